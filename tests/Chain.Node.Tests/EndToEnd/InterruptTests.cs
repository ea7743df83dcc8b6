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

        // Blocks found before the Ctrl+C stay mined (the first ones on main's genesis difficulty take milliseconds):
        // the node's height is the count the cancellation reports, and the command stopped well short of 1000.
        var cancelled = Regex.Match(await node.ReadOutputLineAsync(), @"^error: mine cancelled after (\d+) of 1000 blocks");
        Assert.True(cancelled.Success, "the running mine was cancelled");
        Assert.Equal(string.Empty, await node.ReadOutputLineAsync());
        Assert.Matches($"^height={cancelled.Groups[1].Value} ", await node.AskAsync("status"));
        Assert.Equal(0, await node.TerminateAsync("INT"));
    }
}
