using System.Text.RegularExpressions;
using Chain.Network.Peers;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>Stopping a node and starting it again on the same data folder: the ledger, the wallet and the node's own pending transactions survive.</summary>
public sealed partial class RestartTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task QuitThenRestart_SameAddressHeightAndBalance_OwnPendingTransactionMinedAfterReconnect()
    {
        var dataN = _folder.Combine("n");
        string address, txId, recipient;
        await using (var miner = await NodeProcess.StartAsync("M", _folder.Combine("m-probe")))
        {
            recipient = await miner.AskAsync("address");
            Assert.Equal(0, await miner.QuitAsync());
        }

        await using (var n = await NodeProcess.StartAsync("N", dataN))
        {
            address = await n.AskAsync("address");
            Assert.Equal(3, (await n.CommandAsync("mine 3")).Count); // dev coinbases mature after 3 blocks
            txId = await n.AskAsync($"send {recipient} 10");
            Assert.Contains(await n.CommandAsync("mempool"), l => l.StartsWith(txId, StringComparison.Ordinal));
            Assert.Equal("stopping", await n.AskAsync("quit"));
            Assert.Equal(0, await n.WaitForExitAsync());
        }

        // M reuses the wallet whose address received the transfer, and mines; N comes back and dials it.
        await using var m = await NodeProcess.StartAsync("M", _folder.Combine("m-probe"));
        await using var restarted = await NodeProcess.StartAsync("N", dataN, ["--peers", m.Endpoint]);
        Assert.Equal(address, await restarted.AskAsync("address"));
        Assert.Equal("3", await restarted.StatusAsync("height"));
        Assert.Equal("50 immature=100", await restarted.AskAsync("balance"));
        Assert.Contains(await restarted.CommandAsync("mempool"), l => l.StartsWith(txId, StringComparison.Ordinal));

        // Announced again: M syncs N's blocks and hears of the transaction, then mines it.
        await NodeProcess.WaitUntilAsync(async () => await m.StatusAsync("height") == "3", "M to sync N's three blocks", m, restarted);
        await NodeProcess.WaitUntilAsync(async () => (await m.CommandAsync("mempool")).Any(l => l.StartsWith(txId, StringComparison.Ordinal)), "N's restored transaction to reach M", m, restarted);
        Assert.Equal("mining=on", await m.AskAsync("mining on"));
        // At height 5 all three of N's coinbases have matured, whatever else M mined.
        await NodeProcess.WaitUntilAsync(
            async () => (await restarted.CommandAsync($"tx {txId}"))[^1].StartsWith("status=confirmed", StringComparison.Ordinal)
                && int.Parse(await restarted.StatusAsync("height"), System.Globalization.CultureInfo.InvariantCulture) >= 5,
            "the restored transaction to be mined and N's coinbases to mature", m, restarted);
        Assert.Equal("mining=off", await m.AskAsync("mining off"));
        Assert.Equal("139.99999", await restarted.AskAsync("balance"));

        // Ctrl+C, unless this runner was started with SIGINT ignored (then the node ignores it too): SIGTERM takes the same path.
        Assert.Equal(0, await restarted.TerminateAsync(NodeProcess.InterruptIgnored ? "TERM" : "INT"));
    }

    [Fact]
    public async Task SendThenKilled_TransactionWhoseIdWasPrintedSurvives()
    {
        var data = _folder.Combine("killed");
        string txId;
        await using (var node = await NodeProcess.StartAsync("K", data))
        {
            Assert.Equal(3, (await node.CommandAsync("mine 3")).Count); // the first reward is then spendable (dev maturity 3)
            txId = await node.AskAsync("send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c 1");
        }

        // Disposed without quitting: killed at once, no shutdown hook ran.
        await using var again = await NodeProcess.StartAsync("K", data);
        Assert.Contains(await again.CommandAsync("mempool"), l => l.StartsWith(txId, StringComparison.Ordinal));
        Assert.Equal(0, await again.QuitAsync());
    }

    [Fact]
    public async Task Sigterm_WhileMiningWithAPeer_ExitsZeroTellsPeersAndKeepsEveryBlock()
    {
        var dataM = _folder.Combine("sig-m");
        await using var peer = await NodeProcess.StartAsync("P", _folder.Combine("sig-p"));
        string log;
        await using (var m = await NodeProcess.StartAsync("M", dataM, ["--mine", "--peers", peer.Endpoint]))
        {
            // End of input does not stop a node: it goes on mining and relaying until it is signalled.
            m.CloseInput();
            await m.WaitForLogAsync(new Regex("Standard input closed; the node keeps running"));
            var heightAtEof = int.Parse(await peer.StatusAsync("height"));
            await NodeProcess.WaitUntilAsync(async () => int.Parse(await peer.StatusAsync("height")) >= heightAtEof + 20, "P to receive blocks mined after M's input closed", m, peer);
            Assert.False(m.HasExited);
            // Exits on its own (the wait is only the hang guard); that it waited out no peer is the "0 still
            // connected" below, not a bound on seconds, which a loaded machine exceeds.
            Assert.Equal(0, await m.TerminateAsync());
            log = m.Log;
        }

        Assert.Matches(@"Mining stopped", log);
        Assert.Matches(@"Shutting down: stopping the miner \(mining=on\), saving pending transactions, telling 1 peers", log);
        Assert.Matches(@"Shut down: told 1 peers the node is shutting down \(0 still connected\)", log);
        Assert.Matches($@"Peer {peer.NodeId} \(127\.0\.0\.1:\d+\) disconnected: {PeerManager.ShutdownReason}", log);
        await peer.WaitForLogAsync(new Regex($@"disconnected: peer disconnected: {PeerManager.ShutdownReason}"));

        var mined = MinedBlock().Matches(log);
        Assert.NotEmpty(mined);
        var last = mined[^1];
        await using var again = await NodeProcess.StartAsync("M", dataM);
        Assert.DoesNotMatch("torn", again.Log);
        Assert.Matches(@"Loaded \d+ stored blocks \(0 refused\)", again.Log);
        var height = int.Parse(await again.StatusAsync("height"));
        Assert.True(height >= int.Parse(last.Groups["height"].Value), $"height {height} after restart, last mined {last.Groups["height"].Value}");
        Assert.Equal($"hash={last.Groups["hash"].Value}", (await again.CommandAsync($"block {last.Groups["height"].Value}"))[0]);
        Assert.Equal(0, await again.QuitAsync());
    }

    [Fact]
    public async Task BlocksFile_TornLastRecordCutAtRestart_DamageInsideRefused()
    {
        var data = _folder.Combine("torn");
        await using (var node = await NodeProcess.StartAsync("T", data))
        {
            Assert.Equal(3, (await node.CommandAsync("mine 3")).Count);
            Assert.Equal(0, await node.QuitAsync());
        }

        // What a process killed in the middle of an append leaves: a prefix of a record.
        var blocksFile = Path.Combine(data, "blocks.dat");
        var intact = await File.ReadAllBytesAsync(blocksFile);
        await File.WriteAllBytesAsync(blocksFile, [.. intact, .. intact.AsSpan(0, 40)]);
        await using (var node = await NodeProcess.StartAsync("T", data))
        {
            await node.WaitForLogAsync(new Regex(@"Cut 40 bytes of a torn last record from .*blocks\.dat"));
            Assert.Equal("3", await node.StatusAsync("height"));
            Assert.Equal(0, await node.QuitAsync());
        }

        Assert.Equal(intact, await File.ReadAllBytesAsync(blocksFile));

        // A damaged record with blocks after it is corruption, not a torn tail: the node refuses to start.
        var damaged = intact.ToArray();
        damaged[20] ^= 0xff;
        await File.WriteAllBytesAsync(blocksFile, damaged);
        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", "dev", "--port", "0", "--bind", "127.0.0.1", "--data-dir", data], workingDirectory: data);
        Assert.NotEqual(0, code);
        Assert.Contains("error: ", error, StringComparison.Ordinal);
        Assert.Contains("blocks.dat", error, StringComparison.Ordinal);
        Assert.Equal(damaged, await File.ReadAllBytesAsync(blocksFile));
    }

    // The tip log's lines (each mined block is a debug line; the tip is logged at least every 10 s and at stop).
    [GeneratedRegex(@"New tip (?<height>\d+) (?<hash>[0-9a-f]{64})")]
    private static partial Regex MinedBlock();
}
