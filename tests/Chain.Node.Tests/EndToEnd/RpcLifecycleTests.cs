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
        Assert.Contains("--rpc-bind (Node:RpcBind): 0.0.0.0 is not a loopback address", error, StringComparison.Ordinal);
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
