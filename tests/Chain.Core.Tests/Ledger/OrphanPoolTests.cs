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
}
