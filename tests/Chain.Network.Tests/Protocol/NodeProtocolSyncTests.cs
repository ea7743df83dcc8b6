using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Persistence;
using Chain.Network.Messages;

namespace Chain.Network.Tests.Protocol;

public sealed class NodeProtocolSyncTests(ITestOutputHelper output)
{
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sync_PartitionHealed_AllNodesOnMostWorkChainAndLosingTransactionReturns()
    {
        var nodes = await TestNode.StartManyAsync(4, output);
        try
        {
            var payer = TestBlocks.Key(0);
            var payee = TestBlocks.AddressOf(TestBlocks.Key(1));
            TestBlocks.Fund(nodes[0].Chain, TestBlocks.AddressOf(payer));
            await TestNode.ConnectLineAsync(nodes);
            await AllOnTipAsync(nodes, nodes[0].Chain.Tip.Hash);

            // Partition {A, B} | {C, D}.
            await nodes[1].DisconnectFromAsync(nodes[2]);

            // The losing half confirms a transaction in one block…
            var tx = TestBlocks.Transfer(payer, payee, 7_000, nonce: 0);
            Assert.True(nodes[0].Chain.SubmitTransaction(tx).IsValid);
            await nodes[1].WaitUntilAsync(() => nodes[1].Chain.GetMempoolTransaction(tx.Id) is not null, "the transaction");
            var losing = nodes[0].Mine();
            Assert.Contains(losing.Transactions, t => t.Id == tx.Id);
            await AllOnTipAsync(nodes[..2], losing.Hash);

            // …while the winning half mines three.
            nodes[3].Mine(3);
            var winningTip = nodes[3].Chain.Tip;
            await AllOnTipAsync(nodes[2..], winningTip.Hash);
            Assert.Null(nodes[2].Chain.FindTransaction(tx.Id));

            await nodes[1].ConnectToAsync(nodes[2]);
            await AllOnTipAsync(nodes, winningTip.Hash);

            // The reorganised nodes return the transaction to their mempool, and it spreads to the winners.
            foreach (var node in nodes)
            {
                await node.WaitUntilAsync(() => node.Chain.GetMempoolTransaction(tx.Id) is not null, "the losing branch's transaction back in the mempool");
            }

            var confirming = nodes[2].Mine();
            Assert.Contains(confirming.Transactions, t => t.Id == tx.Id);
            await AllOnTipAsync(nodes, confirming.Hash);
            foreach (var node in nodes)
            {
                Assert.Equal(7_000, node.Chain.GetAccount(payee).Balance);
                Assert.Equal(nodes[0].Chain.GetAccount(TestBlocks.AddressOf(payer)), node.Chain.GetAccount(TestBlocks.AddressOf(payer)));
                Assert.Equal(nodes[0].Chain.GetAccount(nodes[3].MinerAddress), node.Chain.GetAccount(nodes[3].MinerAddress));
                Assert.Equal(0, node.Chain.GetAccount(nodes[0].MinerAddress).Balance);
            }
        }
        finally
        {
            await NodeProtocolRelayTests.DisposeAllAsync(nodes);
        }
    }

    [Fact]
    public async Task Sync_LateNode_CatchesUpOverAThousandBlocks()
    {
        await using var peer = await TestNode.StartAsync("peer", output);
        await using var late = await TestNode.StartAsync("late", output);
        TestBlocks.Extend(peer.Chain, peer.MinerAddress, 1_234);

        await late.ConnectToAsync(peer);
        await late.WaitUntilAsync(() => late.Chain.Tip.Hash == peer.Chain.Tip.Hash, "the peer's tip", SyncTimeout);
        Assert.Equal(1_234u, late.Chain.Tip.Height);
        Assert.Equal(peer.Chain.Tip.CumulativeWork, late.Chain.Tip.CumulativeWork);
    }

    [Fact]
    public async Task Sync_ForkLongerThanOneBatchWithLessWorkAtFirst_Reorganises()
    {
        // The peer's branch needs more than one batch before it outweighs ours: the second request must
        // continue after the first batch, not repeat it.
        await using var ours = await TestNode.StartAsync("ours", output);
        await using var theirs = await TestNode.StartAsync("theirs", output);
        TestBlocks.Extend(ours.Chain, ours.MinerAddress, 600);
        TestBlocks.Extend(theirs.Chain, theirs.MinerAddress, 700);

        await ours.ConnectToAsync(theirs);
        await ours.WaitUntilAsync(() => ours.Chain.Tip.Hash == theirs.Chain.Tip.Hash, "the heavier branch", SyncTimeout);
    }

    [Fact]
    public async Task GetBlocks_EmptyOrUnknownLocator_ServesFromGenesisInLimitedBatches()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var peer = await ProtocolPeer.StartAsync();
        TestBlocks.Extend(node.Chain, node.MinerAddress, BlocksMessage.MaxBlocks + 20);
        await peer.ConnectAsync(node);

        peer.Send(new GetBlocksMessage([]));
        var first = await peer.WaitForAsync<BlocksMessage>();
        AssertBatch(node, first, fromHeight: 1, count: BlocksMessage.MaxBlocks, more: true);

        peer.ClearReceived();
        peer.Send(new GetBlocksMessage([Hash256.Compute("unknown 1"u8).ToString(), Hash256.Compute("unknown 2"u8).ToString()]));
        AssertBatch(node, await peer.WaitForAsync<BlocksMessage>(), fromHeight: 1, count: BlocksMessage.MaxBlocks, more: true);

        // Continuing after the last block of a batch gives the rest, then nothing.
        peer.ClearReceived();
        var last = Block.Decode(first.Blocks[^1]);
        peer.Send(new GetBlocksMessage([last.Hash.ToString(), TestBlocks.Dev.GenesisHash.ToString()]));
        AssertBatch(node, await peer.WaitForAsync<BlocksMessage>(), fromHeight: BlocksMessage.MaxBlocks + 1, count: 20, more: false);

        peer.ClearReceived();
        peer.Send(new GetBlocksMessage([node.Chain.Tip.Hash.ToString()]));
        var none = await peer.WaitForAsync<BlocksMessage>();
        Assert.Empty(none.Blocks);
        Assert.False(none.More);
        Assert.True(peer.Connection.IsConnected);
    }

    [Fact]
    public async Task GetBlocks_LargeBlocks_BatchStopsAtByteLimit()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var peer = await ProtocolPeer.StartAsync();

        // Blocks of ~150 KB: the 2 MiB batch cap binds long before the 500-block cap.
        var payer = TestBlocks.Key(2);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        const int perBlock = 250;
        const int blockCount = 18;
        var txs = new Transaction[perBlock * blockCount];
        Parallel.For(0, txs.Length, i => txs[i] = TestBlocks.Transfer(payer, node.MinerAddress, 1_000, (ulong)i));
        for (var b = 0; b < blockCount; b++)
        {
            var result = node.Chain.SubmitBlock(TestBlocks.Build(node.Chain.Tip, node.MinerAddress, txs[(b * perBlock)..((b + 1) * perBlock)]));
            Assert.Equal(BlockStatus.Connected, result.Status);
        }

        await peer.ConnectAsync(node);
        peer.Send(new GetBlocksMessage([]));
        var batch = await peer.WaitForAsync<BlocksMessage>();
        var bytes = batch.Blocks.Sum(b => b.Length);
        Assert.InRange(bytes, 1, BlocksMessage.MaxBatchBytes);
        Assert.InRange(batch.Blocks.Count, 2, blockCount);
        Assert.True(batch.More);
        Assert.True(bytes + node.Chain.GetBlockByHeight((uint)batch.Blocks.Count + 1)!.Block.EncodedSize > BlocksMessage.MaxBatchBytes, "the batch stopped early");
    }

    [Fact]
    public async Task GetBlocks_StoredBlocks_ServedAsStoredWithoutDecoding()
    {
        // No cache of recent bodies: every block but the ones in memory is read back from the archive.
        var archive = new CountingArchive();
        var chain = new Blockchain(NetworkParameters.Dev, TimeProvider.System, archive, blockCacheBytes: 0);
        await using var node = await TestNode.StartAsync("node", output, chain: chain);
        await using var peer = await ProtocolPeer.StartAsync();
        TestBlocks.Extend(node.Chain, node.MinerAddress, 30);
        await peer.ConnectAsync(node);
        archive.Reset();

        peer.Send(new GetBlocksMessage([]));

        AssertBatch(node, await peer.WaitForAsync<BlocksMessage>(), fromHeight: 1, count: 30, more: false);
        Assert.Equal(30, archive.EncodedReads);
        Assert.Equal(0, archive.Decodes);
    }

    // Keeps each appended block's encoding and counts reads: decoded (Read) or as stored (ReadEncoded).
    private sealed class CountingArchive : IBlockArchive
    {
        private readonly List<byte[]> _encodings = [];
        private int _decodes;
        private int _encodedReads;

        public int Decodes => Volatile.Read(ref _decodes);

        public int EncodedReads => Volatile.Read(ref _encodedReads);

        public void Reset()
        {
            Volatile.Write(ref _decodes, 0);
            Volatile.Write(ref _encodedReads, 0);
        }

        public long Append(Block block)
        {
            lock (_encodings)
            {
                _encodings.Add(block.Encode());
                return _encodings.Count - 1;
            }
        }

        public Block Read(long position)
        {
            Interlocked.Increment(ref _decodes);
            return Block.Decode(Encoding(position));
        }

        public byte[] ReadEncoded(long position)
        {
            Interlocked.Increment(ref _encodedReads);
            return Encoding(position).ToArray();
        }

        public Transaction ReadTransaction(long position, int offset, int length) => Transaction.Decode(Encoding(position).AsSpan(offset, length));

        private byte[] Encoding(long position)
        {
            lock (_encodings)
            {
                return _encodings[(int)position];
            }
        }
    }

    private static void AssertBatch(TestNode node, BlocksMessage batch, int fromHeight, int count, bool more)
    {
        Assert.Equal(count, batch.Blocks.Count);
        Assert.Equal(more, batch.More);
        for (var i = 0; i < batch.Blocks.Count; i++)
        {
            var block = Block.Decode(batch.Blocks[i]);
            Assert.Equal(node.Chain.GetBlockByHeight((uint)(fromHeight + i))!.Hash, block.Hash);
        }
    }

    private static async Task AllOnTipAsync(IEnumerable<TestNode> nodes, Hash256 tip)
    {
        foreach (var node in nodes)
        {
            await node.WaitUntilAsync(() => node.Chain.Tip.Hash == tip, $"tip {tip}");
        }
    }

    [Fact]
    public async Task Blocks_InvalidBlockInBatchWithMore_NextBatchAskedEarlyButPeerStillDisconnectedAndDiscouraged()
    {
        await using var node = await TestNode.StartAsync("node", output);
        var source = new Blockchain(TestBlocks.Dev, TimeProvider.System);
        var payer = TestBlocks.Key(2);
        var funding = TestBlocks.Build(source.Tip, TestBlocks.AddressOf(payer));
        Assert.Equal(BlockStatus.Connected, source.SubmitBlock(funding).Status);
        var transfer = TestBlocks.Transfer(payer, node.MinerAddress, 5, nonce: 0);
        var bad = TestBlocks.Build(source.Tip, node.MinerAddress, [transfer, transfer]);

        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        peer.Send(new BlocksMessage([funding.Encode(), bad.Encode()], More: true));

        // The next batch is asked for (after the batch's last block) before the batch is validated...
        await peer.WaitForAsync<GetBlocksMessage>(g => g.Locator[0] == bad.Hash.ToString());

        // ...which changes nothing about the verdict: the good block is taken, the bad one punished.
        await peer.WaitDisconnectedAsync();
        Assert.True(node.Protocol.IsDiscouraged(peer.NodeId));
        Assert.Equal(funding.Hash, node.Chain.Tip.Hash);
    }
}
