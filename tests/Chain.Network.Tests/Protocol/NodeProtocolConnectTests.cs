using Chain.Network.Messages;
using Chain.Network.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace Chain.Network.Tests.Protocol;

/// <summary>
/// The connect-time inv against the announce loop and the block pusher, in both orders, made deterministic: a fake
/// clock holds the announce loop between flushes (it flushes only when the test advances the clock) and a hook holds
/// the new peer's connect handling just after the peer became visible.
/// </summary>
public sealed class NodeProtocolConnectTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OnConnected_TransactionAndBlockSentInTheWindow_NotAnnouncedAgainByTheConnectInv()
    {
        var clock = new CountingClock();
        await using var node = await TestNode.StartAsync("node", output, protocolTime: clock);
        var payer = TestBlocks.Key(0);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        await node.WaitUntilAsync(() => clock.AnnounceDelays == 1, "the flush of the first block (the announce loop then waits for the clock)");

        using var visible = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        node.Protocol.PeerVisible = _ =>
        {
            visible.Set();
            release.Wait(TestSupport.Timeout);
        };
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        Assert.True(visible.Wait(TestSupport.Timeout));

        // While the connect handling is held: a block is pushed and a transaction flushed to the visible peer.
        var block = node.Mine();
        await peer.WaitForAsync<Message>(m => m is CompactBlockMessage or BlockMessage);
        var tx = TestBlocks.Transfer(payer, node.MinerAddress, 1_000, nonce: 0);
        Assert.True(node.Chain.SubmitTransaction(tx).IsValid);
        clock.Advance(NodeProtocol.AnnounceInterval);
        await peer.WaitForAsync<TxMessage>(m => m.Txs.Any(t => t.AsSpan().SequenceEqual(tx.Encode())));
        await node.WaitUntilAsync(() => clock.AnnounceDelays == 2, "the flush to end");

        release.Set();
        node.Protocol.PeerVisible = null;

        // The connect handling must be over before the later transaction enters the mempool, or its snapshot may take
        // that one into the connect inv instead of the flush (a race a loaded machine lost): the event loop handles
        // one event after another, so the answer to a getblocks sent now comes after it.
        peer.Send(new GetBlocksMessage([]));
        await peer.WaitForAsync<BlocksMessage>();
        await FlushOneTransactionAsync(node, clock, payer, nonce: 1, expectedDelays: 3, peer);

        // Everything the connect handling sent came before `later`: neither the block nor the transaction was announced again.
        Assert.DoesNotContain(peer.ReceivedOf<InvMessage>(), inv => inv.Txs.Contains(tx.Id.ToString()) || inv.Blocks.Contains(block.Hash.ToString()));
        Assert.Single(peer.ReceivedOf<TxMessage>(), m => m.Txs.Any(t => t.AsSpan().SequenceEqual(tx.Encode())));
    }

    [Fact]
    public async Task OnConnected_TransactionFlushedAfterTheSnapshot_AnnouncedOnceByInvNeverPushed()
    {
        var clock = new CountingClock();
        await using var node = await TestNode.StartAsync("node", output, protocolTime: clock);
        var payer = TestBlocks.Key(0);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        await node.WaitUntilAsync(() => clock.AnnounceDelays == 1, "the flush of the first block (the announce loop then waits for the clock)");
        await using var other = await ProtocolPeer.StartAsync();
        await other.ConnectAsync(node);

        // In the mempool with its flush still to come when the peer connects.
        var tx = TestBlocks.Transfer(payer, node.MinerAddress, 1_000, nonce: 0);
        Assert.True(node.Chain.SubmitTransaction(tx).IsValid);
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        await peer.WaitForAsync<InvMessage>(inv => inv.Txs.Contains(tx.Id.ToString()));

        clock.Advance(NodeProtocol.AnnounceInterval);
        await other.WaitForAsync<TxMessage>(m => m.Txs.Any(t => t.AsSpan().SequenceEqual(tx.Encode())));
        await node.WaitUntilAsync(() => clock.AnnounceDelays == 2, "the flush to end");
        await FlushOneTransactionAsync(node, clock, payer, nonce: 1, expectedDelays: 3, peer);

        Assert.Single(peer.ReceivedOf<InvMessage>().SelectMany(inv => inv.Txs), id => id == tx.Id.ToString());
        Assert.DoesNotContain(peer.ReceivedOf<TxMessage>(), m => m.Txs.Any(t => t.AsSpan().SequenceEqual(tx.Encode())));
    }

    // Submits one more transaction and lets the announce loop flush it: its arrival at `peer` is a later event that
    // everything sent to that peer before must precede (one connection delivers in order).
    private static async Task<TxMessage> FlushOneTransactionAsync(TestNode node, CountingClock clock, System.Security.Cryptography.RSA payer, ulong nonce, int expectedDelays, ProtocolPeer peer)
    {
        var tx = TestBlocks.Transfer(payer, node.MinerAddress, 1_000, nonce: nonce);
        Assert.True(node.Chain.SubmitTransaction(tx).IsValid);
        clock.Advance(NodeProtocol.AnnounceInterval);
        await node.WaitUntilAsync(() => clock.AnnounceDelays == expectedDelays, "the flush of the later transaction");
        return await peer.WaitForAsync<TxMessage>(m => m.Txs.Any(t => t.AsSpan().SequenceEqual(tx.Encode())));
    }

    // A fake clock that counts the announce loop's waits between flushes (timers due after AnnounceInterval):
    // one more such timer means one more flush has ended.
    private sealed class CountingClock : TimeProvider
    {
        private readonly FakeTimeProvider _inner = new(DateTimeOffset.UtcNow);
        private int _announceDelays;

        public int AnnounceDelays => Volatile.Read(ref _announceDelays);

        public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

        public override long GetTimestamp() => _inner.GetTimestamp();

        public override long TimestampFrequency => _inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = _inner.CreateTimer(callback, state, dueTime, period);
            if (dueTime == NodeProtocol.AnnounceInterval && period == Timeout.InfiniteTimeSpan)
            {
                Interlocked.Increment(ref _announceDelays);
            }

            return timer;
        }

        public void Advance(TimeSpan by) => _inner.Advance(by);
    }
}
