using System.Text.RegularExpressions;
using Chain.Node.Tests.EndToEnd;

namespace Chain.Node.Tests.Faults;

/// <summary>
/// SIGKILL at random moments (while mining appends blocks, while the wallet is first written, and during
/// recovery itself): after every restart the node loads cleanly, keeps its address, and its chain and
/// balances equal those of a node that never crashed and synced the same blocks.
/// </summary>
public partial class CrashRecoveryTests
{
    private const int Kills = 8;

    [Fact]
    public async Task KillWhileAppendingBlocks_RestartedNodeEqualsANodeThatNeverCrashed()
    {
        using var folder = new TempFolder();
        var data = folder.Combine("crashing");
        var rng = new Random();
        string? address = null;
        for (var i = 0; i < Kills; i++)
        {
            if (i % 3 == 2)
            {
                // A kill during recovery: before the node has even finished loading its blocks.
                var early = NodeProcess.Launch("crashing-early", ["--network", "dev", "--bind", "127.0.0.1", "--port", "0", "--data-dir", data, "--mine", "--miner-threads", "1"]);
                await Task.Delay(rng.Next(50, 400));
                await early.TerminateAsync("KILL");
                await early.DisposeAsync();
                continue;
            }

            // No state cache: every account the miner's blocks touch is read from chainstate/ as the kill leaves it.
            await using var node = await NodeProcess.StartAsync("crashing", data, ["--mine", "--state-cache", "0"]);
            Assert.Matches(LoadedCleanly(), node.Log);
            var current = await node.AskAsync("address");
            address ??= current;
            Assert.Equal(address, current);
            await Task.Delay(rng.Next(200, 900));
            await node.TerminateAsync("KILL");
        }

        await using var survivor = await NodeProcess.StartAsync("survivor", data);
        Assert.Matches(LoadedCleanly(), survivor.Log);
        Assert.Equal(address, await survivor.AskAsync("address"));
        var height = int.Parse(await survivor.StatusAsync("height"), System.Globalization.CultureInfo.InvariantCulture);
        var tip = await survivor.StatusAsync("tip");
        var balance = await survivor.AskAsync("balance");
        Assert.True(height > 0, "the crashing node never mined a block");

        // A node that never crashed, fed the survivor's chain over the network, must agree on everything.
        await using var witness = await NodeProcess.StartAsync("witness", folder.Combine("witness"), ["--peers", survivor.Endpoint]);
        await NodeProcess.WaitUntilAsync(async () => await witness.StatusAsync("tip") == tip, $"the witness to reach {tip}", witness, survivor);
        Assert.Equal(balance, await witness.AskAsync($"balance {address}"));
        Assert.Equal(await survivor.AskAsync("chain 1"), await witness.AskAsync("chain 1"));
    }

    [Fact]
    public async Task KillWhileCreatingWallet_NextStartLoadsOneWholeWallet()
    {
        using var folder = new TempFolder();
        var rng = new Random();
        for (var i = 0; i < Kills; i++)
        {
            var data = folder.Combine($"wallet-{i}");
            var starting = NodeProcess.Launch("starting", ["--network", "dev", "--bind", "127.0.0.1", "--port", "0", "--data-dir", data]);
            await Task.Delay(rng.Next(0, 600));
            await starting.TerminateAsync("KILL");
            await starting.DisposeAsync();

            // Whatever moment the kill hit, the wallet file is absent or whole: the next start succeeds and
            // the address it shows stays the same across a further restart.
            string first;
            await using (var node = await NodeProcess.StartAsync("restarted", data))
            {
                first = await node.AskAsync("address");
                Assert.Equal(0, await node.QuitAsync());
            }

            await using var again = await NodeProcess.StartAsync("again", data);
            Assert.Equal(first, await again.AskAsync("address"));

            // A write the kill interrupted leaves a temporary file; the next start removes it.
            Assert.Empty(Directory.EnumerateFiles(data, "*.tmp"));
        }
    }

    [GeneratedRegex(@"Loaded \d+ stored blocks \(0 refused\)")]
    private static partial Regex LoadedCleanly();
}
