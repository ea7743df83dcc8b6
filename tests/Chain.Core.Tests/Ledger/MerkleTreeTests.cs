using Chain.Core.Crypto;
using Chain.Core.Ledger;
using CsCheck;

namespace Chain.Core.Tests.Ledger;

public class MerkleTreeTests
{
    [Fact]
    public void ComputeRoot_AnyChangedOrReorderedId_ChangesRoot()
    {
        Gen.Int[2, 40].Select(n => Enumerable.Range(0, n).Select(i => Hash256.Compute(BitConverter.GetBytes(i))).ToArray()).Sample(ids =>
        {
            var root = MerkleTree.ComputeRoot(ids);
            var swapped = (Hash256[])ids.Clone();
            (swapped[0], swapped[^1]) = (swapped[^1], swapped[0]);
            var shorter = ids[..^1];

            Assert.NotEqual(root, MerkleTree.ComputeRoot(swapped));
            Assert.NotEqual(root, MerkleTree.ComputeRoot(shorter));
            Assert.Equal(root, MerkleTree.ComputeRoot(ids.ToList()));
        });
    }

    [Fact]
    public void ComputeRoot_Transactions_RootOfTheirIds()
    {
        var a = Transaction.CreateCoinbase(1, Address.Zero, 1, 1);
        var b = Transaction.CreateCoinbase(1, Address.Zero, 2, 1);

        Assert.Equal(MerkleTree.ComputeRoot([a.Id, b.Id]), MerkleTree.ComputeRoot([a, b]));
        Assert.Equal(a.Id, MerkleTree.ComputeRoot([a]));
    }

    [Fact]
    public void ComputeRoot_Parallel_SameAsPlainReference()
    {
        // Sizes around the parallel threshold and odd counts at every level; the reference is the definition itself.
        Gen.OneOf(Gen.Int[0, 40], Gen.Int[(2 * MerkleTree.ParallelPairsThreshold) - 3, (2 * MerkleTree.ParallelPairsThreshold) + 3], Gen.Int[1, 5_000])
            .Select(n => Enumerable.Range(0, n).Select(i => Hash256.Compute(BitConverter.GetBytes(i * 7919))).ToArray())
            .Sample(ids =>
            {
                var expected = Reference(ids);
                Assert.Equal(expected, MerkleTree.ComputeRoot(ids));
                Assert.Equal(expected, MerkleTree.ComputeRoot(ids, maxParallelism: 4));
            }, iter: 60);
    }

    private static Hash256 Reference(IReadOnlyList<Hash256> ids)
    {
        if (ids.Count == 0)
        {
            return Hash256.Zero;
        }

        var level = ids.ToList();
        while (level.Count > 1)
        {
            var up = new List<Hash256>();
            for (var i = 0; i < level.Count; i += 2)
            {
                up.Add(i + 1 < level.Count ? Hash256.Compute([.. level[i].ToArray(), .. level[i + 1].ToArray()]) : level[i]);
            }

            level = up;
        }

        return level[0];
    }
}
