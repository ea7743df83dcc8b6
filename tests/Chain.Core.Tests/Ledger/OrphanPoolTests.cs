using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Tests.Persistence;

namespace Chain.Core.Tests.Ledger;

public class OrphanPoolTests
{
    [Fact]
    public void Add_BeyondCount_OldestDropped()
    {
        var pool = new OrphanPool(capacity: 3);
        var blocks = Enumerable.Range(0, 5).Select(i => TestBlocks.Create((uint)i + 10, Hash256.Compute([(byte)i]), 0)).ToList();

        blocks.ForEach(pool.Add);

        Assert.Equal(3, pool.Count);
        Assert.False(pool.Contains(blocks[0].Hash));
        Assert.False(pool.Contains(blocks[1].Hash));
        Assert.True(pool.Contains(blocks[4].Hash));
    }

    [Fact]
    public void Add_BeyondBytes_OldestDroppedAndBytesBounded()
    {
        var big = Enumerable.Range(0, 6).Select(i => TestBlocks.Create((uint)i + 10, Hash256.Compute([(byte)i]), 3)).ToList();
        var limit = big[0].EncodedSize * 2L + 10;
        var pool = new OrphanPool(capacity: 100, maxBytes: limit);

        big.ForEach(pool.Add);

        Assert.True(pool.Bytes <= limit);
        Assert.Equal(2, pool.Count);
        Assert.True(pool.Contains(big[5].Hash));
    }

    [Fact]
    public void TakeChildren_ReleasesTheirBytes()
    {
        var parent = Hash256.Compute([42]);
        var child = TestBlocks.Create(10, parent, 1);
        var pool = new OrphanPool();
        pool.Add(child);

        Assert.Equal(child.EncodedSize, pool.Bytes);
        Assert.Single(pool.TakeChildren(parent));
        Assert.Equal(0, pool.Bytes);
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void Add_FloodFromOneSource_EvictsOnlyTheFloodersOrphans()
    {
        var pool = new OrphanPool(capacity: 8);
        var honest = Enumerable.Range(0, 3).Select(i => TestBlocks.Create((uint)i + 10, Hash256.Compute([1, (byte)i]), 0)).ToList();
        var flood = Enumerable.Range(0, 50).Select(i => TestBlocks.Create((uint)i + 100, Hash256.Compute([2, (byte)i]), 0)).ToList();
        honest.ForEach(b => pool.Add(b, "honest"));

        flood.ForEach(b => pool.Add(b, "flooder"));

        Assert.Equal(8, pool.Count);
        Assert.All(honest, b => Assert.True(pool.Contains(b.Hash)));
        Assert.True(pool.Contains(flood[^1].Hash));
        Assert.False(pool.Contains(flood[0].Hash));
        Assert.Equal(honest.Sum(b => (long)b.EncodedSize), pool.BytesFrom("honest"));
        Assert.Equal(pool.Bytes, pool.BytesFrom("honest") + pool.BytesFrom("flooder"));
    }

    [Fact]
    public void Add_ManySourcesRandomly_BoundsAndAccountingHold()
    {
        var random = new Random(7);
        var pool = new OrphanPool(capacity: 20, maxBytes: 40_000);
        var parents = Enumerable.Range(0, 10).Select(i => Hash256.Compute([3, (byte)i])).ToList();
        for (var i = 0; i < 400; i++)
        {
            var parent = parents[random.Next(parents.Count)];
            if (random.Next(10) == 0)
            {
                pool.TakeChildren(parent);
            }
            else
            {
                pool.Add(TestBlocks.Create((uint)i + 10, parent, random.Next(0, 4)), $"peer{random.Next(4)}");
            }

            Assert.InRange(pool.Count, 0, 20);
            Assert.InRange(pool.Bytes, 0, 40_000);
            Assert.Equal(pool.Bytes, Enumerable.Range(0, 4).Sum(p => pool.BytesFrom($"peer{p}")));
        }
    }

    [Fact]
    public void TakeChildren_ManyCyclesBesideOneDeadOrphan_QueuedHashesStayBounded()
    {
        // One orphan whose parent never comes keeps its source's queue alive; adopted orphans must not pile up in it.
        var pool = new OrphanPool();
        pool.Add(TestBlocks.Create(1, Hash256.Compute([9, 9]), 0), "peer");
        for (var i = 0; i < 2_000; i++)
        {
            var parent = Hash256.Compute(BitConverter.GetBytes(i));
            pool.Add(TestBlocks.Create((uint)i + 10, parent, 0), "peer");
            Assert.Single(pool.TakeChildren(parent));
        }

        Assert.Equal(1, pool.Count);
        Assert.InRange(pool.QueuedHashes, 1, 20);
    }

    [Fact]
    public void SubmitBlock_OrphanFloodFromOnePeer_OtherPeersOrphanStillAdopted()
    {
        var chain = TestSupport.TestChain.NewChain();
        var miner = Address.Parse("dddddddddddddddddddddddddddddddddddddddd");
        var first = TestSupport.TestChain.Build(chain.Tip, miner);
        var second = TestSupport.TestChain.Build(new BlockIndex(first, chain.Tip), miner);
        Assert.Equal(BlockStatus.Orphan, chain.SubmitBlock(second, "honest").Status);

        var unknownParent = new BlockIndex(TestSupport.TestChain.Build(chain.Tip, Address.Zero), chain.Tip);
        for (var i = 0; i < OrphanPool.DefaultCapacity + 50; i++)
        {
            var stray = TestSupport.TestChain.Build(unknownParent, miner, timestamp: unknownParent.Header.Timestamp + 1 + i);
            Assert.Equal(BlockStatus.Orphan, chain.SubmitBlock(stray, "flooder").Status);
        }

        Assert.Equal(OrphanPool.DefaultCapacity, chain.OrphanCount);

        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(first, "honest").Status);
        Assert.Equal(second.Hash, chain.Tip.Hash);
    }
}
