using System.Text.RegularExpressions;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>The node's log lines as a person reads them, on standard error and in the <c>--log-file</c>.</summary>
public sealed partial class LoggingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task LogFile_GetsTheSameLines_DateTimeLevelMessageWithoutCategory()
    {
        var file = _folder.Combine("node.log");
        await using (var node = await NodeProcess.StartAsync("L", _folder.Combine("data"), ["--log-file", file]))
        {
            Assert.Equal(2, (await node.CommandAsync("mine 2")).Count);
            await node.WaitForLogAsync(new Regex(@"mine: block 2 of 2 found"));
            Assert.Matches(StartLine(), node.Log);
            Assert.DoesNotContain("Chain.Network.Peers.PeerManager", node.Log, StringComparison.Ordinal);
            Assert.Equal(0, await node.QuitAsync());
        }

        var logged = await File.ReadAllTextAsync(file);
        Assert.Matches(StartLine(), logged);
        Assert.Contains("mine: block 2 of 2 found", logged, StringComparison.Ordinal);
        Assert.Contains("Wallet created: address chaindev1", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogFile_InAFolderThatDoesNotExist_RefusedNamingTheSettingBeforeTheDataFolder()
    {
        var data = _folder.Combine("never");
        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", "dev", "--port", "0", "--data-dir", data, "--log-file", _folder.Combine("missing", "node.log")]);
        Assert.Equal(2, code);
        Assert.Contains("error: --log-file (Node:LogFile): ", error, StringComparison.Ordinal);
        Assert.Contains("in a folder that does not exist", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }

    [GeneratedRegex(@"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ info  Listening for peers on \S+ as node [0-9a-f]{64}$")]
    private static partial Regex StartLine();
}
