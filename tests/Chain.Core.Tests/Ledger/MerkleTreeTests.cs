using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Mining;
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
    public void ComputeRoot_AnySize_SameAsPlainReference()
    {
        // Odd counts at every level and sizes around multiples of the widest batch (16 pairs); the reference is the
        // definition itself, hashing each pair through the platform's SHA-256.
        Gen.OneOf(Gen.Int[0, 70], Gen.Int[1, 5_000])
            .Select(n => Enumerable.Range(0, n).Select(i => Hash256.Compute(BitConverter.GetBytes(i * 7919))).ToArray())
            .Sample(ids => Assert.Equal(Reference(ids), MerkleTree.ComputeRoot(ids)), iter: 80);
    }

    public static TheoryData<HeaderHashPath> Paths => [HeaderHashPath.Scalar, HeaderHashPath.Vector256, HeaderHashPath.Vector512];

    [Theory]
    [MemberData(nameof(Paths))]
    public void HashPairs_EveryPathAndBatchSize_MatchesPlatformSha256(HeaderHashPath path)
    {
        // Every lane of full and short batches, against SHA-256 of the 64 bytes; random hashes reach every bit.
        Gen.Int[0, 40].SelectMany(pairs => Gen.Byte.Array[64 * pairs]).Sample(bytes =>
        {
            var pairs = bytes.Length / 64;
            var input = Enumerable.Range(0, 2 * pairs).Select(i => new Hash256(bytes.AsSpan(32 * i, 32))).ToArray();
            var output = new Hash256[pairs];

            MerkleTree.HashPairs(input, output, path);

            for (var p = 0; p < pairs; p++)
            {
                Assert.Equal(Hash256.Compute(bytes.AsSpan(64 * p, 64)), output[p]);
            }
        }, iter: 60);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void HashPairs_OutputOverInput_SameAsSeparateBuffers(HeaderHashPath path)
    {
        // ComputeRoot writes each level over the front of the one below.
        var input = Enumerable.Range(0, 70).Select(i => Hash256.Compute(BitConverter.GetBytes(i))).ToArray();
        var separate = new Hash256[35];
        MerkleTree.HashPairs(input, separate, path);

        var shared = (Hash256[])input.Clone();
        MerkleTree.HashPairs(shared, shared.AsSpan(0, 35), path);

        Assert.Equal(separate, shared[..35]);
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
