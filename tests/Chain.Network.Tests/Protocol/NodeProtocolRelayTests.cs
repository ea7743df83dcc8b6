using Chain.Core.Ledger;
using Chain.Network.Messages;
using Chain.Network.Protocol;

namespace Chain.Network.Tests.Protocol;

public sealed class NodeProtocolRelayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Relay_LineOfFiveNodes_TransactionAndBlockReachTheEnd()
    {
        var nodes = await TestNode.StartManyAsync(5, output);
        try
        {
            var (a, e) = (nodes[0], nodes[^1]);
            var payer = TestBlocks.Key(0);
            var payee = TestBlocks.AddressOf(TestBlocks.Key(1));

            // Fund the payer at A before the line forms; the others sync it on connect.
            TestBlocks.Fund(a.Chain, TestBlocks.AddressOf(payer));
            await TestNode.ConnectLineAsync(nodes);
            foreach (var node in nodes)
            {
                await node.WaitUntilAsync(() => node.Chain.Tip.Hash == a.Chain.Tip.Hash, "the funding block");
            }

            var tx = TestBlocks.Transfer(payer, payee, 5_000, nonce: 0);
            Assert.True(a.Chain.SubmitTransaction(tx).IsValid);
            foreach (var node in nodes)
            {
                await node.WaitUntilAsync(() => node.Chain.GetMempoolTransaction(tx.Id) is not null, "the transaction in the mempool");
            }

            var block = a.Mine();
            Assert.Contains(block.Transactions, t => t.Id == tx.Id);
            foreach (var node in nodes)
            {
                await node.WaitUntilAsync(() => node.Chain.Tip.Hash == block.Hash, "A's block as tip");
                Assert.Equal(block.Hash, node.Chain.FindTransaction(tx.Id)?.Block?.Hash);
                Assert.Equal(0, node.Chain.MempoolCount);
                Assert.Equal(5_000, node.Chain.GetAccount(payee).Balance);
            }

            Assert.Equal((uint)TestBlocks.Dev.CoinbaseMaturity + 1, e.Chain.Tip.Height);
        }
        finally
        {
            await DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task Relay_TransactionAndBlock_AnnouncedAtMostOnceAndNeverBackToTheSender()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var neighbour = await TestNode.StartAsync("neighbour", output);
        var payer = TestBlocks.Key(0);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        await neighbour.ConnectToAsync(node);
        await neighbour.WaitUntilAsync(() => neighbour.Chain.Tip.Hash == node.Chain.Tip.Hash, "the funding block");
        await using var sender = await ProtocolPeer.StartAsync();
        await using var listener = await ProtocolPeer.StartAsync();
        await sender.ConnectAsync(node);
        await listener.ConnectAsync(node);

        var tx = TestBlocks.Transfer(payer, neighbour.MinerAddress, 2_000, nonce: 0);
        sender.Send(new TxMessage([tx.Encode()]));
        await neighbour.WaitUntilAsync(() => neighbour.Chain.GetMempoolTransaction(tx.Id) is not null, "the transaction");
        var block = TestBlocks.Build(node.Chain.Tip, neighbour.MinerAddress, [tx]);
        sender.Send(new BlockMessage(block.Encode()));
        await neighbour.WaitUntilAsync(() => neighbour.Chain.Tip.Hash == block.Hash, "the block");

        // The listener also claims to have both: the node must not ask for them again or echo them. What the node
        // does about an inv (a getdata) it does while handling it, so before it answers a getblocks sent after it.
        listener.Send(new InvMessage([tx.Id.ToString()], [block.Hash.ToString()]));
        listener.Send(new GetBlocksMessage([]));
        await listener.WaitForAsync<BlocksMessage>();

        // Later transactions and a later block go to both peers through the same loops: a second announcement or an
        // echo of the first ones would have come before them.
        await MarkersAsync(node, payer, firstNonce: 1, sender, listener);

        Assert.Equal(0, Mentions(sender, tx.Id.ToString()));
        Assert.Equal(0, Mentions(sender, block.Hash.ToString()));
        Assert.Equal(1, Mentions(listener, tx.Id.ToString()));
        Assert.Equal(1, Mentions(listener, block.Hash.ToString()));
        Assert.DoesNotContain(listener.ReceivedOf<GetDataMessage>(), g => g.Txs.Contains(tx.Id.ToString()) || g.Blocks.Contains(block.Hash.ToString()));
        Assert.DoesNotContain(sender.ReceivedOf<GetDataMessage>(), g => g.Txs.Contains(tx.Id.ToString()) || g.Blocks.Contains(block.Hash.ToString()));
    }

    [Fact]
    public async Task Relay_FewPendingTransactions_PushedWholeManyAnnouncedByInv_EachSentOnce()
    {
        await using var node = await TestNode.StartAsync("node", output);
        var payer = TestBlocks.Key(0);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        await using var listener = await ProtocolPeer.StartAsync();
        await listener.ConnectAsync(node);
        var txs = Enumerable.Range(0, 41).Select(n => TestBlocks.Transfer(payer, node.MinerAddress, 1_000, nonce: (ulong)n)).ToList();

        // One transaction: pushed whole, never announced by id.
        Assert.True(node.Chain.SubmitTransaction(txs[0]).IsValid);
        await listener.WaitForAsync<TxMessage>(m => m.Txs.Any(t => t.AsSpan().SequenceEqual(txs[0].Encode())));
        Assert.DoesNotContain(listener.ReceivedOf<InvMessage>(), inv => inv.Txs.Contains(txs[0].Id.ToString()));

        // Forty at once (at most two flushes, so one holds more than MaxPushedTransactions): announced by inv.
        Assert.All(node.Chain.SubmitTransactions(txs[1..]), r => Assert.True(r.IsValid));
        var pushed = new HashSet<string>();
        await WaitUntil.Async(
            () =>
            {
                var announced = listener.ReceivedOf<InvMessage>().SelectMany(inv => inv.Txs).ToList();
                pushed = [.. listener.ReceivedOf<TxMessage>().SelectMany(m => m.Txs).Select(t => Transaction.Decode(t).Id.ToString())];
                return announced.Count + pushed.Count >= txs.Count;
            },
            "all transactions announced or pushed");
        await MarkersAsync(node, payer, firstNonce: (ulong)txs.Count, listener);

        var ids = txs.Select(t => t.Id.ToString()).ToHashSet();
        var invIds = listener.ReceivedOf<InvMessage>().SelectMany(inv => inv.Txs).Where(ids.Contains).ToList();
        pushed = [.. listener.ReceivedOf<TxMessage>().SelectMany(m => m.Txs).Select(t => Transaction.Decode(t).Id.ToString()).Where(ids.Contains)];
        Assert.True(invIds.Count > NodeProtocol.MaxPushedTransactions);
        Assert.Equal(ids.Order(), invIds.Concat(pushed).Order());
    }

    [Fact]
    public async Task Relay_NoncesArriveOutOfOrder_LaterOnesHeldAndTakenWhenTheGapFills()
    {
        await using var node = await TestNode.StartAsync("node", output);
        var payer = TestBlocks.Key(0);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        var txs = Enumerable.Range(0, 4).Select(n => TestBlocks.Transfer(payer, node.MinerAddress, 1_000, nonce: (ulong)n)).ToList();
        byte[] Encoded(int n) => txs[n].Encode();

        // Nonces 3, then 1 and 2 (all refused NonceTooHigh, none punished), then 0: all four end in the mempool.
        peer.Send(new TxMessage([Encoded(3)]));
        peer.Send(new TxMessage([Encoded(2), Encoded(1)]));
        peer.Send(new TxMessage([Encoded(0)]));

        await node.WaitUntilAsync(() => node.Chain.MempoolCount == 4, "all four nonces in the mempool");
        Assert.Equal(4UL, node.Chain.GetPendingAccount(TestBlocks.AddressOf(payer)).Nonce);
        Assert.True(peer.Connection.IsConnected);
    }

    [Fact]
    public async Task Relay_HeldTransactionWhoseGapABlockFills_TakenWhenTheBlockArrives()
    {
        await using var node = await TestNode.StartAsync("node", output);
        var payer = TestBlocks.Key(0);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        var first = TestBlocks.Transfer(payer, node.MinerAddress, 1_000, nonce: 0);
        var second = TestBlocks.Transfer(payer, node.MinerAddress, 1_000, nonce: 1);

        // Nonce 1 arrives first and is held; then a block confirming nonce 0 arrives from the peer.
        peer.Send(new TxMessage([second.Encode()]));
        peer.Send(new BlockMessage(TestBlocks.Build(node.Chain.Tip, node.MinerAddress, [first]).Encode()));

        await node.WaitUntilAsync(() => node.Chain.GetMempoolTransaction(second.Id) is not null, "the held transaction taken after the block");
        Assert.Equal(1UL, node.Chain.GetAccount(TestBlocks.AddressOf(payer)).Nonce);
    }

    [Fact]
    public async Task Relay_AnnouncerAnswersNotFoundOrLeaves_TransactionRequestedFromTheNextAnnouncer()
    {
        await using var node = await TestNode.StartAsync("node", output);
        var payer = TestBlocks.Key(0);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        var tx = TestBlocks.Transfer(payer, node.MinerAddress, 3_000, nonce: 0);
        var id = tx.Id.ToString();
        await using var first = await ProtocolPeer.StartAsync();
        await using var second = await ProtocolPeer.StartAsync();
        await using var third = await ProtocolPeer.StartAsync();
        await first.ConnectAsync(node);
        await second.ConnectAsync(node);
        await third.ConnectAsync(node);

        first.Send(new InvMessage([id], []));
        await first.WaitForAsync<GetDataMessage>(g => g.Txs.Contains(id));
        second.Send(new InvMessage([id], []));
        third.Send(new InvMessage([id], []));

        // A getdata for an inv is sent while the inv is handled, so before the answer to a getblocks sent after it.
        second.Send(new GetBlocksMessage([]));
        third.Send(new GetBlocksMessage([]));
        await second.WaitForAsync<BlocksMessage>();
        await third.WaitForAsync<BlocksMessage>();
        Assert.Empty(second.ReceivedOf<GetDataMessage>());
        Assert.Empty(third.ReceivedOf<GetDataMessage>());

        // The first announcer does not have it after all: a later announcer is asked, only one. Which one is the
        // one whose announcement the node took first; the two came on separate connections, so either may be.
        first.Send(new NotFoundMessage([id], []));
        static bool Asked(ProtocolPeer peer, string id) => peer.ReceivedOf<GetDataMessage>().Any(g => g.Txs.Contains(id));
        await WaitUntil.Async(() => Asked(second, id) || Asked(third, id), "a getdata to the second or third announcer");
        var (asked, other) = Asked(second, id) ? (second, third) : (third, second);
        Assert.False(Asked(other, id));

        // …and leaves without answering: the other is asked, and delivers.
        await asked.Connection.DisconnectAsync("leaving").WaitAsync(TestSupport.Timeout);
        await other.WaitForAsync<GetDataMessage>(g => g.Txs.Contains(id));
        other.Send(new TxMessage([tx.Encode()]));
        await node.WaitUntilAsync(() => node.Chain.GetMempoolTransaction(tx.Id) is not null, "the transaction");
    }

    // A block is announced by inv (on connect) or pushed as a compact block (when it joins the best chain); a
    // transaction by inv, or pushed whole in a tx message when few are pending.
    private static int Mentions(ProtocolPeer peer, string id) =>
        peer.ReceivedOf<InvMessage>().Sum(inv => inv.Txs.Count(t => t == id) + inv.Blocks.Count(b => b == id))
        + peer.ReceivedOf<CompactBlockMessage>().Count(c => BlockHeader.Decode(c.Header).Hash.ToString() == id)
        + peer.ReceivedOf<TxMessage>().Sum(m => m.Txs.Count(t => Transaction.Decode(t).Id.ToString() == id));

    /// <summary>
    /// The event that must follow any relay still owed to <paramref name="peers"/> (instead of a pause that a slow
    /// machine outlasts): two more transactions from <paramref name="payer"/>, the second submitted only once every
    /// peer heard of the first (so everything the announce loop queued before is sent), then a block mined from them
    /// (after every block pushed before it).
    /// </summary>
    private static async Task MarkersAsync(TestNode node, System.Security.Cryptography.RSA payer, ulong firstNonce, params ProtocolPeer[] peers)
    {
        for (var nonce = firstNonce; nonce < firstNonce + 2; nonce++)
        {
            var marker = TestBlocks.Transfer(payer, node.MinerAddress, 1_000, nonce);
            Assert.True(node.Chain.SubmitTransaction(marker).IsValid);
            await WaitUntil.Async(() => peers.All(p => Mentions(p, marker.Id.ToString()) > 0), $"the marker transaction {nonce} at every peer");
        }

        var block = node.Mine();
        await WaitUntil.Async(() => peers.All(p => Mentions(p, block.Hash.ToString()) > 0), "the marker block at every peer");
    }

    [Fact]
    public async Task Relay_NineAnnouncersNeverDeliver_TenthAnnouncerStillAskedAndTransactionTaken()
    {
        // Only 8 later announcers used to be remembered per transaction: nine that announce and never deliver kept
        // the request away from an honest tenth, whose announcement was dropped, so the inv path never fetched it.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var node = await TestNode.StartAsync("node", output, o => o.MaxInboundPerAddress = o.MaxInboundPerGroup = 16, protocolTime: time);
        var payer = TestBlocks.Key(0);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        var tx = TestBlocks.Transfer(payer, node.MinerAddress, 3_000, nonce: 0);
        var id = tx.Id.ToString();
        var silent = new List<ProtocolPeer>();
        try
        {
            for (var i = 0; i < 9; i++)
            {
                var peer = await ProtocolPeer.StartAsync();
                silent.Add(peer);
                await peer.ConnectAsync(node);
                peer.Send(new InvMessage([id], []));

                // The node handles one connection's messages in order: once it answers, it has taken the inv.
                peer.Send(new GetBlocksMessage([]));
                await peer.WaitForAsync<BlocksMessage>();
            }

            await using var honest = await ProtocolPeer.StartAsync();
            await honest.ConnectAsync(node);
            honest.Send(new InvMessage([id], []));
            honest.Send(new GetBlocksMessage([]));
            await honest.WaitForAsync<BlocksMessage>();
            await silent[0].WaitForAsync<GetDataMessage>(g => g.Txs.Contains(id));

            // Each silent announcer in turn lets the request lapse; then the honest one is asked, and delivers.
            for (var i = 1; i < silent.Count; i++)
            {
                time.Advance(NodeProtocol.RequestTimeout);
                await silent[i].WaitForAsync<GetDataMessage>(g => g.Txs.Contains(id));
            }

            Assert.Empty(honest.ReceivedOf<GetDataMessage>());
            time.Advance(NodeProtocol.RequestTimeout);
            await honest.WaitForAsync<GetDataMessage>(g => g.Txs.Contains(id));
            honest.Send(new TxMessage([tx.Encode()]));
            await node.WaitUntilAsync(() => node.Chain.GetMempoolTransaction(tx.Id) is not null, "the transaction from the tenth announcer");
        }
        finally
        {
            foreach (var peer in silent)
            {
                await peer.DisposeAsync();
            }
        }
    }

    internal static async Task DisposeAllAsync(IEnumerable<TestNode> nodes)
    {
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }
}
