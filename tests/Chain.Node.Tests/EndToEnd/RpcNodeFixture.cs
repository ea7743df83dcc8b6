using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>One dev node shared by the API tests, with its JSON-RPC endpoint and cookie; two blocks mined.</summary>
public sealed partial class RpcNodeFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    internal NodeProcess Node { get; private set; } = null!;

    public string DataDir => _folder.Combine("node");

    /// <summary><c>ip:port</c> of the API.</summary>
    public string Endpoint { get; private set; } = string.Empty;

    public int RpcPort => int.Parse(Endpoint[(Endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    public HttpClient Client { get; } = new() { Timeout = NodeProcess.Timeout };

    public async Task InitializeAsync()
    {
        Node = await NodeProcess.StartAsync("rpc", DataDir);
        try
        {
            Endpoint = await WaitForEndpointAsync(Node);
            Client.BaseAddress = new Uri($"http://{Endpoint}/");
            Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(DataDir, ".cookie")))));
            Assert.Equal(3, (await Node.CommandAsync("mine 3")).Count); // the first reward is then spendable (dev maturity 3)
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for the node's "JSON-RPC API listening" line and returns the endpoint.</summary>
    internal static async Task<string> WaitForEndpointAsync(NodeProcess node) =>
        (await node.WaitForLogAsync(ListeningLine())).Groups["endpoint"].Value;

    /// <summary>Posts <paramref name="json"/> and returns the status and the parsed answer (null when there is no body).</summary>
    public async Task<(System.Net.HttpStatusCode Status, JsonElement? Answer)> PostAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(string.Empty, content);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body.Length == 0 ? null : JsonDocument.Parse(body).RootElement.Clone());
    }

    /// <summary>Calls <paramref name="method"/> and returns its result; fails the test on an error.</summary>
    public async Task<JsonElement> CallAsync(string method, string parameters = "[]")
    {
        var (status, answer) = await PostAsync($$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}","params":{{parameters}}}""");
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.True(answer!.Value.TryGetProperty("result", out var result), $"{method}: {answer}");
        return result;
    }

    /// <summary>Posts <paramref name="request"/> expecting an error; returns its code and message.</summary>
    public async Task<(int Code, string Message)> ErrorAsync(string request)
    {
        var (_, answer) = await PostAsync(request);
        Assert.True(answer!.Value.TryGetProperty("error", out var error), $"expected an error: {answer}");
        return (error.GetProperty("code").GetInt32(), error.GetProperty("message").GetString()!);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (Node is not null)
        {
            await Node.DisposeAsync();
            Node = null!;
        }

        _folder.Dispose();
    }

    [GeneratedRegex(@"JSON-RPC API listening on (?<endpoint>[^\s]+) ")]
    private static partial Regex ListeningLine();
}
