using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Chain.Explorer.Tests.Browser;
using Chain.Node.Tests.EndToEnd;

namespace Chain.Explorer.Tests;

/// <summary>
/// Two real dev nodes, A and B (B dials A), with A's explorer address as A logged it, and a browser. A has mined
/// three blocks, so its first reward is spendable (dev coinbase maturity 3).
/// </summary>
public sealed partial class ExplorerNodesFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private NodeProcess? _a;
    private NodeProcess? _b;
    private BrowserSession? _browser;

    internal NodeProcess A => _a!;

    internal NodeProcess B => _b!;

    public BrowserSession Browser => _browser!;

    /// <summary>The address A logged: <c>http://127.0.0.1:port/?token=…</c>.</summary>
    public Uri ExplorerUrl { get; private set; } = null!;

    /// <summary><c>http://127.0.0.1:port/</c>, A's API and page.</summary>
    public Uri BaseUrl => new(ExplorerUrl.GetLeftPart(UriPartial.Authority) + "/");

    /// <summary>A's cookie secret, the page's token.</summary>
    public string Token { get; private set; } = string.Empty;

    public HttpClient Client { get; } = new() { Timeout = NodeProcess.Timeout };

    public async Task InitializeAsync()
    {
        try
        {
            _a = await NodeProcess.StartAsync("A", _folder.Combine("a"));
            _b = await NodeProcess.StartAsync("B", _folder.Combine("b"), ["--peers", _a.Endpoint]);
            ExplorerUrl = new Uri((await _a.WaitForLogAsync(ExplorerLine())).Groups["url"].Value);
            Token = File.ReadAllText(Path.Combine(_folder.Combine("a"), ".cookie")).Trim().Split(':')[1];
            Client.BaseAddress = BaseUrl;
            Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            await NodeProcess.WaitUntilAsync(async () => await _a.StatusAsync("peers") == "1" && await _b.StatusAsync("peers") == "1", "A and B to connect", _a, _b);
            Assert.Equal(3, (await _a.CommandAsync("mine 3")).Count);
            await NodeProcess.WaitUntilAsync(async () => await _b.StatusAsync("height") == "3", "B to reach height 3", _a, _b);
            _browser = await BrowserSession.StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Calls <paramref name="method"/> on A's API and returns its result.</summary>
    public async Task<JsonElement> CallAsync(string method, string parameters = "[]")
    {
        using var content = new StringContent($$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}","params":{{parameters}}}""", Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(string.Empty, content);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.True(answer.TryGetProperty("result", out var result), $"{method}: {answer}");
        return result;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        foreach (var node in new[] { _b, _a })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        (_a, _b, _browser) = (null, null, null);
        Client.Dispose();
        _folder.Dispose();
    }

    [GeneratedRegex(@"Explorer: (?<url>http://\S+)")]
    internal static partial Regex ExplorerLine();
}
