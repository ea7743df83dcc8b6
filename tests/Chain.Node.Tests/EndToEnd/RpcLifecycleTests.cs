namespace Chain.Node.Tests.EndToEnd;

/// <summary>The API's start and stop: the cookie written owner-only at start and removed at stop; a non-loopback bind refused; --no-rpc.</summary>
public sealed class RpcLifecycleTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Quit_RemovesTheCookie()
    {
        var dataDir = _folder.Combine("node");
        await using var node = await NodeProcess.StartAsync("cookie", dataDir);
        await RpcNodeFixture.WaitForEndpointAsync(node);
        var cookie = Path.Combine(dataDir, ".cookie");
        Assert.Matches("^__cookie__:[0-9a-f]{64}$", await File.ReadAllTextAsync(cookie));
        await node.CommandAsync("quit");
        Assert.Equal(0, await node.WaitForExitAsync());
        Assert.False(File.Exists(cookie), ".cookie must be removed when the node stops");
    }

    [Fact]
    public async Task NonLoopbackRpcBind_RefusesToStart()
    {
        var (code, _, error) = await NodeProcess.RunToExitAsync(
            ["--network", "dev", "--port", "0", "--data-dir", _folder.Combine("open"), "--rpc-bind", "0.0.0.0"],
            workingDirectory: _folder.Path);
        Assert.Equal(2, code);
        Assert.Contains("--rpc-bind (Node:RpcBind): 0.0.0.0 is not a loopback address, and no user is configured; give --rpc-auth (Node:RpcAuth)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonLoopbackRpcBind_WithAUserFromChainCliRpcauth_StartsAndAuthenticatesThatUser()
    {
        var (generated, output, _) = await CliProcess.RunAsync("rpcauth", "alice");
        Assert.Equal(0, generated);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = System.Text.RegularExpressions.Regex.Match(lines[0], "^--rpc-auth '(alice:[0-9a-f]{32}\\$[0-9a-f]{64})'$").Groups[1].Value;
        var password = lines[1]["password: ".Length..];
        Assert.NotEmpty(line);

        var dataDir = _folder.Combine("open");
        await using var node = await NodeProcess.StartAsync("open", dataDir, ["--rpc-bind", "0.0.0.0", "--rpc-auth", line]);
        var endpoint = await RpcNodeFixture.WaitForEndpointAsync(node);
        Assert.StartsWith("0.0.0.0:", endpoint, StringComparison.Ordinal);
        var port = endpoint[(endpoint.LastIndexOf(':') + 1)..];

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = NodeProcess.Timeout };
        const string Request = """{"jsonrpc":"2.0","id":1,"method":"status"}""";
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"alice:{password}x")));
        using (var refused = await client.PostAsync(string.Empty, new StringContent(Request)))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"alice:{password}")));
        using (var answered = await client.PostAsync(string.Empty, new StringContent(Request)))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, answered.StatusCode);
        }

        // The client as a remote user would run it: no data folder, the password from the environment.
        var (code, status, error) = await CliProcess.RunAsync(
            new Dictionary<string, string> { ["CHAIN_RPC_PASSWORD"] = password },
            "--data-dir", _folder.Combine("nowhere"), "--rpc-port", port, "--rpc-user", "alice", "status");
        Assert.True(code == 0, error);
        Assert.StartsWith($"height=0 tip={await node.StatusAsync("tip")} ", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoRpc_NoCookie_NoApi()
    {
        var dataDir = _folder.Combine("quiet");
        await using var node = await NodeProcess.StartAsync("norpc", dataDir, ["--no-rpc"]);
        Assert.Matches("^height=", await node.AskAsync("status"));
        Assert.False(File.Exists(Path.Combine(dataDir, ".cookie")));
        Assert.DoesNotContain("JSON-RPC API listening", node.Log, StringComparison.Ordinal);
    }
}
