using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Network.Handshake;
using Chain.Network.Messages;
using Chain.Network.Protocol;

namespace Chain.Network.Tests.Protocol;

public sealed class NodeProtocolCompactBlockTests(ITestOutputHelper output)
{

    private static Hash256 HashOf(CompactBlockMessage message) => BlockHeader.Decode(message.Header).Hash;

    private async Task<(TestNode Node, Transaction Tx, Transaction Next)> StartFundedAsync()
    {
        var node = await TestNode.StartAsync("node", output);
        var payer = TestBlocks.Key(0);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        var payee = TestBlocks.AddressOf(TestBlocks.Key(1));
        return (node, TestBlocks.Transfer(payer, payee, 1_000, nonce: 0), TestBlocks.Transfer(payer, payee, 1_000, nonce: 1));
    }

    [Fact]
    public async Task CompactBlock_ReceiverHoldsItsTransactions_RebuiltWithoutAnyRequest()
    {
        var (node, tx, next) = await StartFundedAsync();
        await using var _ = node;
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        peer.Send(new TxMessage([tx.Encode(), next.Encode()]));
        await node.WaitUntilAsync(() => node.Chain.MempoolCount == 2, "the transactions");

        var block = TestBlocks.Build(node.Chain.Tip, node.MinerAddress, [tx, next]);
        peer.Send(NodeProtocol.ToCompact(block));

        await node.WaitUntilAsync(() => node.Chain.Tip.Hash == block.Hash, "the rebuilt block as tip");
        Assert.Equal(0, node.Chain.MempoolCount);
        Assert.Empty(peer.ReceivedOf<GetBlockTxnMessage>());
        Assert.DoesNotContain(peer.ReceivedOf<GetDataMessage>(), g => g.Blocks.Contains(block.Hash.ToString()));
    }

    [Fact]
    public async Task CompactBlock_ReceiverLacksATransaction_AsksForOnlyThatOneAndRebuilds()
    {
        var (node, tx, next) = await StartFundedAsync();
        await using var _ = node;
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        peer.Send(new TxMessage([tx.Encode()]));
        await node.WaitUntilAsync(() => node.Chain.MempoolCount == 1, "the first transaction");

        var block = TestBlocks.Build(node.Chain.Tip, node.MinerAddress, [tx, next]);
        peer.Send(NodeProtocol.ToCompact(block));
        var ask = await peer.WaitForAsync<GetBlockTxnMessage>();
        Assert.Equal(block.Hash.ToString(), ask.Block);
        Assert.Equal([next.Id.ToString()], ask.Txs);

        peer.Send(new BlockTxnMessage(ask.Block, [next.Encode()]));
        await node.WaitUntilAsync(() => node.Chain.Tip.Hash == block.Hash, "the rebuilt block as tip");
    }

    [Fact]
    public async Task CompactBlock_BlockTxnIncomplete_FallsBackToTheFullBlock()
    {
        var (node, tx, _) = await StartFundedAsync();
        await using var __ = node;
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);

        var block = TestBlocks.Build(node.Chain.Tip, node.MinerAddress, [tx]);
        peer.Send(NodeProtocol.ToCompact(block));
        var ask = await peer.WaitForAsync<GetBlockTxnMessage>();
        peer.Send(new BlockTxnMessage(ask.Block, []));
        await peer.WaitForAsync<GetDataMessage>(g => g.Blocks.Contains(block.Hash.ToString()));

        peer.Send(new BlockMessage(block.Encode()));
        await node.WaitUntilAsync(() => node.Chain.Tip.Hash == block.Hash, "the full block as tip");
    }

    [Fact]
    public async Task CompactBlock_IdsDoNotMatchTheMerkleRoot_DisconnectedAndBlockStillAcceptedLater()
    {
        var (node, tx, next) = await StartFundedAsync();
        await using var _ = node;
        await using var attacker = await ProtocolPeer.StartAsync();
        await attacker.ConnectAsync(node);
        attacker.Send(new TxMessage([tx.Encode(), next.Encode()]));
        await node.WaitUntilAsync(() => node.Chain.MempoolCount == 2, "the transactions");

        var block = TestBlocks.Build(node.Chain.Tip, node.MinerAddress, [tx]);
        var honest = NodeProtocol.ToCompact(block);
        attacker.Send(honest with { Txs = [next.Id.ToString()] });
        Assert.StartsWith(DisconnectCode.InvalidData, await attacker.WaitPunishedAsync());

        await using var other = await ProtocolPeer.StartAsync();
        await other.ConnectAsync(node);
        other.Send(honest);
        await node.WaitUntilAsync(() => node.Chain.Tip.Hash == block.Hash, "the honest block as tip");
    }

    [Fact]
    public async Task CompactBlock_HeaderFailsProofOfWork_PunishedBeforeAnyLookup()
    {
        var (node, tx, _) = await StartFundedAsync();
        await using var __ = node;
        await using var attacker = await ProtocolPeer.StartAsync();
        await attacker.ConnectAsync(node);

        // Ids the node lacks: before the fix it looked them up and answered with a getblocktxn.
        var block = TestBlocks.Build(node.Chain.Tip, node.MinerAddress, [tx], solve: false);
        attacker.Send(NodeProtocol.ToCompact(block));

        Assert.Contains(nameof(BlockError.InsufficientWork), await attacker.WaitPunishedAsync());
        Assert.Empty(attacker.ReceivedOf<GetBlockTxnMessage>());
    }

    [Fact]
    public async Task CompactBlock_UnknownParent_AsksForBlocksNotTransactions()
    {
        var (node, tx, _) = await StartFundedAsync();
        await using var __ = node;
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        peer.ClearReceived();

        var parent = TestBlocks.Build(node.Chain.Tip, node.MinerAddress);
        var child = TestBlocks.Build(parent.Hash, parent.Height + 1, parent.Header.Timestamp, parent.Header.Bits, node.MinerAddress, [tx]);
        peer.Send(NodeProtocol.ToCompact(child));

        await peer.WaitForAsync<GetBlocksMessage>();
        peer.Send(new GetBlocksMessage([]));
        await peer.WaitForAsync<BlocksMessage>();
        Assert.Empty(peer.ReceivedOf<GetBlockTxnMessage>());
        Assert.True(peer.Connection.IsConnected, "an unknown parent is not misbehaviour");
    }

    [Fact]
    public async Task TipChanged_NewBlock_PushedAsCompactBlockAndMissingTransactionsServed()
    {
        var (node, tx, _) = await StartFundedAsync();
        await using var __ = node;
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        Assert.True(node.Chain.SubmitTransaction(tx).IsValid);
        await peer.WaitForAsync<TxMessage>(m => m.Txs.Any(t => t.AsSpan().SequenceEqual(tx.Encode()))); // the peer now has it

        var block = node.Mine();
        var compact = await peer.WaitForAsync<CompactBlockMessage>(c => HashOf(c) == block.Hash);
        Assert.Equal([tx.Id.ToString()], compact.Txs);
        Assert.Equal(block.Transactions[0].Id, Transaction.Decode(compact.Coinbase).Id);
        Assert.DoesNotContain(peer.ReceivedOf<InvMessage>(), inv => inv.Blocks.Contains(block.Hash.ToString()));

        peer.Send(new GetBlockTxnMessage(block.Hash.ToString(), [tx.Id.ToString()]));
        var answer = await peer.WaitForAsync<BlockTxnMessage>();
        Assert.Equal(block.Hash.ToString(), answer.Block);
        Assert.Equal(tx.Encode(), Assert.Single(answer.Txs));

        var unknown = Hash256.Compute([1, 2, 3]).ToString();
        peer.Send(new GetBlockTxnMessage(unknown, []));
        await peer.WaitForAsync<NotFoundMessage>(n => n.Blocks.Contains(unknown));
    }

    [Fact]
    public async Task TipChanged_BlockOfTransactionsThePeerLacks_PushedWholeAndTakenWithoutRequests()
    {
        var (node, tx, next) = await StartFundedAsync();
        await using var __ = node;
        await using var receiver = await TestNode.StartAsync("receiver", output);
        receiver.Chain.SubmitBlock(node.Chain.Tip.Block);
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        await receiver.ConnectToAsync(node);

        // Neither the peer nor the receiver ever heard of tx and next: the block goes out whole.
        var block = TestBlocks.Build(node.Chain.Tip, node.MinerAddress, [tx, next]);
        Assert.Equal(BlockStatus.Connected, node.Chain.SubmitBlock(block).Status);

        var pushed = await peer.WaitForAsync<BlockMessage>(m => Block.Decode(m.Block).Hash == block.Hash);
        Assert.Equal(block.Encode(), pushed.Block);
        Assert.DoesNotContain(peer.ReceivedOf<CompactBlockMessage>(), c => HashOf(c) == block.Hash);
        await receiver.WaitUntilAsync(() => receiver.Chain.Tip.Hash == block.Hash, "the pushed block as the receiver's tip");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OnBlock_BlockOfNewTransactions_ForwardedWholeToAPeerLackingThem(bool canonicalForm)
    {
        var (node, tx, next) = await StartFundedAsync();
        await using var __ = node;
        await using var sender = await ProtocolPeer.StartAsync();
        await using var listener = await ProtocolPeer.StartAsync();
        await sender.ConnectAsync(node);
        await listener.ConnectAsync(node);
        var block = TestBlocks.Build(node.Chain.Tip, node.MinerAddress, [tx, next]);

        // The canonical form is sent on as received; any other form the serializer reads is encoded afresh.
        var base64 = Convert.ToBase64String(block.Encode());
        sender.SendJson(canonicalForm ? $"{{\"type\":\"block\",\"block\":\"{base64}\"}}" : $"{{\"block\":\"{base64}\", \"type\":\"block\"}}");

        var pushed = await listener.WaitForAsync<BlockMessage>(m => Block.Decode(m.Block).Hash == block.Hash);
        Assert.Equal(block.Encode(), pushed.Block);
        Assert.Equal(block.Hash, node.Chain.Tip.Hash);
        Assert.DoesNotContain(sender.ReceivedOf<BlockMessage>(), m => Block.Decode(m.Block).Hash == block.Hash);
    }
}
