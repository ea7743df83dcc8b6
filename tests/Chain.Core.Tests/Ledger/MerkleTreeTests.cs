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
}
