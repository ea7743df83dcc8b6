using System.Text.RegularExpressions;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>Ctrl+C (SIGINT) cancels the running console command; with none running it stops the node.</summary>
public sealed class InterruptTests : IDisposable
{
    // The node must receive SIGINT even when this runner inherited it as ignored (a background CI shell):
    // coreutils' env restores the default before it execs the node.
    private static readonly string[] DefaultInterrupt = ["env", "--default-signal=INT"];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task CtrlC_DuringMine_CancelsTheCommandNotTheNode_SecondCtrlCStops()
    {
        // On main the difficulty quadruples every ten fast blocks: a thousand blocks take hours, so the command is
        // still running when Ctrl+C comes.
        await using var node = await NodeProcess.StartAsync("interrupt", _folder.Combine("interrupt"), ["--network", "main"], launcher: DefaultInterrupt);
        await node.SendAsync("mine 1000");
        await node.WaitForLogAsync(new Regex("mine: mining 1000 blocks at difficulty"));

        await node.SignalAsync("INT");

        Assert.Matches(@"^error: mine cancelled after \d+ of 1000 blocks", await node.ReadOutputLineAsync());
        Assert.Equal(string.Empty, await node.ReadOutputLineAsync());
        Assert.Matches("^height=0 ", await node.AskAsync("status"));
        Assert.Equal(0, await node.TerminateAsync("INT"));
    }
}
