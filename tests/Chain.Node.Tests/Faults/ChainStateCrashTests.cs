using System.Text.RegularExpressions;
using Chain.Node.Tests.EndToEnd;

namespace Chain.Node.Tests.Faults;

/// <summary>
/// SIGKILL while the chain state store is being written: blocks connecting and branches reorganising as two mining
/// nodes race. Every restart loads the store as it was left (nothing refused, no rebuild), and once the race stops the
/// restarted node agrees with its peer, which never crashed, on the tip, balances, history and transactions.
/// </summary>
public partial class ChainStateCrashTests
{
    private const int Kills = 6;

    [Fact]
    public async Task KillWhileConnectingAndReorganising_RestartedNodeAgreesWithItsPeer()
    {
        using var folder = new TempFolder();
        var data = folder.Combine("crashing");
        await using var peer = await NodeProcess.StartAsync("peer", folder.Combine("peer"), ["--mine", "--miner-threads", "1"]);
        var rng = new Random();
        string? address = null;
        for (var i = 0; i < Kills; i++)
        {
            // Both mine on dev, so their branches race: the crashing node connects the peer's blocks, reorganises to its
            // branch or makes it reorganise, and is killed wherever that has got to.
            await using var node = await NodeProcess.StartAsync("crashing", data, ["--mine", "--miner-threads", "1", "--peers", peer.Endpoint]);
            Assert.Matches(LoadedCleanly(), node.Log);
            Assert.DoesNotMatch("Building the chain state", node.Log);
            address ??= await node.AskAsync("address");
            if (i == 0)
            {
                await NodeProcess.WaitUntilAsync(async () => int.Parse(await peer.StatusAsync("height"), System.Globalization.CultureInfo.InvariantCulture) >= 3, "the peer's first coinbase to mature", peer);
                await peer.AskAsync($"send {address} 12.5");
            }

            await Task.Delay(rng.Next(200, 1500));
            await node.TerminateAsync("KILL");
        }

        Assert.Equal("mining=off", await peer.AskAsync("mining off"));
        await using var survivor = await NodeProcess.StartAsync("survivor", data, ["--peers", peer.Endpoint]);
        Assert.Matches(LoadedCleanly(), survivor.Log);
        Assert.Equal(address, await survivor.AskAsync("address"));

        // Whichever branch is heavier wins on both: they agree once neither has a block the other lacks.
        await NodeProcess.WaitUntilAsync(async () => await survivor.StatusAsync("tip") == await peer.StatusAsync("tip"), "the survivor and its peer to agree on the tip", survivor, peer);
        Assert.Equal(await peer.AskAsync($"balance {address}"), await survivor.AskAsync("balance"));
        var history = await survivor.CommandAsync($"history {address} 1000");
        Assert.NotEmpty(history);
        Assert.Equal(await peer.CommandAsync($"history {address} 1000"), history);
        var someTx = history[^1].Split(' ')[1];
        Assert.Equal(await peer.CommandAsync($"tx {someTx}"), await survivor.CommandAsync($"tx {someTx}"));
        Assert.Equal(await peer.CommandAsync("chain 20"), await survivor.CommandAsync("chain 20"));
        Assert.Equal(0, await survivor.QuitAsync());

        // And the store it leaves is what a rebuild from blocks.dat gives.
        await using var reindexed = await NodeProcess.StartAsync("reindexed", data, ["--reindex"]);
        Assert.True(LoadedCleanly().IsMatch(reindexed.Log), reindexed.Log);
        Assert.Equal(history, await reindexed.CommandAsync($"history {address} 1000"));
        Assert.Equal(await peer.StatusAsync("tip"), await reindexed.StatusAsync("tip"));
    }

    [GeneratedRegex(@"Loaded \d+ stored blocks \(0 refused\)")]
    private static partial Regex LoadedCleanly();
}
