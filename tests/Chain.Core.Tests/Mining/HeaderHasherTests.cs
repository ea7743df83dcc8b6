using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Mining;
using CsCheck;

namespace Chain.Core.Tests.Mining;

// Every path runs on every machine: a forced vector path that the CPU does not accelerate falls back to the
// runtime's software Vector256/Vector512, which is slow but exact, so no test needs to be skipped. To run the
// AVX2-only and the all-software code on an AVX-512 machine: DOTNET_EnableAVX512=0 or DOTNET_EnableHWIntrinsic=0.
public class HeaderHasherTests
{
    private const ulong Boundary32 = 0x1_0000_0000UL;

    private static readonly Gen<byte[]> GenHeader = Gen.Byte.Array[BlockHeader.Size];

    // Nonces anywhere, near zero, near the 32-bit carry between the two nonce words, and near the top.
    private static readonly Gen<ulong> GenNonce = Gen.OneOf(
        Gen.ULong,
        Gen.ULong[0, 40],
        Gen.Int[-40, 40].Select(d => (ulong)((long)Boundary32 + d)),
        Gen.ULong[ulong.MaxValue - 40, ulong.MaxValue]);

    // Top byte 0x00..0x1f: from about one winner in 8 nonces to one in several hundred.
    private static readonly Gen<Hash256> GenEasyTarget = Gen.Byte[0, 0x1f].Select(Gen.Byte.Array[Hash256.Size - 1], (top, rest) =>
    {
        var bytes = new byte[Hash256.Size];
        bytes[0] = top;
        rest.CopyTo(bytes, 1);
        return new Hash256(bytes);
    });

    public static TheoryData<HeaderHashPath> Paths => [HeaderHashPath.Scalar, HeaderHashPath.Vector256, HeaderHashPath.Vector512];

    [Fact]
    public void ComputeHash_RandomHeadersAndNonces_MatchesSha256HashData()
    {
        GenHeader.Select(GenNonce).Sample((header, nonce) =>
        {
            var hasher = new HeaderHasher(header);

            Assert.Equal(Reference(header, nonce), hasher.ComputeHash(nonce));
        }, iter: 500);
    }

    [Fact]
    public void ComputeHash_EncodedBlockHeader_EqualsBlockHeaderHash()
    {
        var header = new BlockHeader(BlockHeader.CurrentVersion, 7, Hash256.Compute("parent"u8), Hash256.Compute("merkle"u8), 1_700_000_000, 0x1f00ffff, 0x0123_4567_89ab_cdef);

        var hasher = new HeaderHasher(header.Encode());

        Assert.Equal(header.Hash, hasher.ComputeHash(header.Nonce));
        Assert.Equal(header.WithNonce(5).Hash, hasher.ComputeHash(5));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void HashLanes_RandomHeadersAndNonces_EveryLaneMatchesSha256HashData(HeaderHashPath path)
    {
        GenHeader.Select(GenNonce.Array[0, 40]).Sample((header, nonces) =>
        {
            var hasher = new HeaderHasher(header, path);
            var hashes = new Hash256[nonces.Length];

            hasher.HashLanes(nonces, hashes);

            for (var i = 0; i < nonces.Length; i++)
            {
                Assert.Equal(Reference(header, nonces[i]), hashes[i]);
            }
        }, iter: 300);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void TrySearch_EasyTarget_FindsTheLowestWinnerLikeBruteForce(HeaderHashPath path)
    {
        GenHeader.Select(GenNonce, Gen.ULong[0, 100], GenEasyTarget).Sample((header, start, count, target) =>
        {
            count = Math.Min(count, MaxCount(start));
            var hasher = new HeaderHasher(header, path);

            var found = hasher.TrySearch(start, count, target, out var nonce);

            var expected = BruteForce(hasher, start, count, target);
            Assert.Equal(expected.HasValue, found);
            Assert.Equal(expected ?? 0, nonce);
        }, iter: 300);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void TrySearch_ZeroTarget_FindsNothing(HeaderHashPath path)
    {
        var hasher = new HeaderHasher(RandomHeader(1), path);

        Assert.False(hasher.TrySearch(Boundary32 - 500, 1003, Hash256.Zero, out var nonce));
        Assert.Equal(0UL, nonce);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void TrySearch_TargetEqualToOneHash_AcceptsItAndRejectsOneLess(HeaderHashPath path)
    {
        var header = RandomHeader(2);
        var hasher = new HeaderHasher(header, path);
        foreach (var n in new ulong[] { 0, 17, Boundary32 - 1, Boundary32, ulong.MaxValue })
        {
            var hash = hasher.ComputeHash(n);
            var oneLess = Target.ToHash(new BigInteger(hash.ToArray(), isUnsigned: true, isBigEndian: true) - 1);

            // Alone in its vector step, the other lanes masked out.
            Assert.True(hasher.TrySearch(n, 1, hash, out var nonce));
            Assert.Equal(n, nonce);
            Assert.False(hasher.TrySearch(n, 1, oneLess, out _));

            // Same top word, so the early-out passes it and only the full compare decides.
            var start = n >= 9 ? n - 9 : 0;
            var count = Math.Min(30, MaxCount(start));
            Assert.Equal(BruteForce(hasher, start, count, oneLess).HasValue, hasher.TrySearch(start, count, oneLess, out nonce));
            Assert.Equal(BruteForce(hasher, start, count, oneLess) ?? 0, nonce);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void TrySearch_RangeEndingAtMaxValue_NeverReturnsAWrappedNonce(HeaderHashPath path)
    {
        var hasher = new HeaderHasher(RandomHeader(3), path);

        // The best hash among the nonces a wrapped lane would try (0..15) beats at least most in-range ones.
        var best = Enumerable.Range(0, 16).Select(i => hasher.ComputeHash((ulong)i)).Min();
        for (ulong count = 1; count <= 40; count++)
        {
            var start = ulong.MaxValue - (count - 1);

            var found = hasher.TrySearch(start, count, best, out var nonce);

            var expected = BruteForce(hasher, start, count, best);
            Assert.Equal(expected.HasValue, found);
            Assert.Equal(expected ?? 0, nonce);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void TrySearch_LongRangeUnevenCount_FindsTheLowestWinner(HeaderHashPath path)
    {
        var hasher = new HeaderHasher(RandomHeader(4), path);
        var target = Hash256.Parse("0003" + new string('f', 60));
        const ulong Start = Boundary32 - 5000;
        const ulong Count = 20_011;

        var found = hasher.TrySearch(Start, Count, target, out var nonce);

        var expected = BruteForce(hasher, Start, Count, target);
        Assert.Equal(expected.HasValue, found);
        Assert.Equal(expected ?? 0, nonce);
    }

    [Fact]
    public void TrySearch_EmptyRange_ReturnsFalse()
    {
        var hasher = new HeaderHasher(RandomHeader(5));

        Assert.False(hasher.TrySearch(123, 0, Target.ToHash((BigInteger.One << 256) - 1), out _));
    }

    [Fact]
    public void TrySearch_RangeWrappingPastMaxValue_Throws()
    {
        var hasher = new HeaderHasher(RandomHeader(6));
        var anything = Target.ToHash((BigInteger.One << 256) - 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => hasher.TrySearch(ulong.MaxValue, 2, anything, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => hasher.TrySearch(2, ulong.MaxValue, anything, out _));
        Assert.True(hasher.TrySearch(ulong.MaxValue, 1, anything, out var nonce));
        Assert.Equal(ulong.MaxValue, nonce);
        Assert.True(hasher.TrySearch(0, ulong.MaxValue, anything, out nonce));
        Assert.Equal(0UL, nonce);
    }

    [Fact]
    public void Constructor_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => new HeaderHasher(new byte[BlockHeader.Size - 1]));
        Assert.Throws<ArgumentException>(() => new HeaderHasher(new byte[BlockHeader.Size + 1]));
    }

    [Fact]
    public void Constructor_ForcedPath_ReportsPathAndLanes()
    {
        Assert.Equal(1, new HeaderHasher(RandomHeader(7), HeaderHashPath.Scalar).LaneCount);
        Assert.Equal(8, new HeaderHasher(RandomHeader(7), HeaderHashPath.Vector256).LaneCount);
        Assert.Equal(16, new HeaderHasher(RandomHeader(7), HeaderHashPath.Vector512).LaneCount);
        Assert.Equal(HeaderHasher.BestPath, new HeaderHasher(RandomHeader(7)).Path);
    }

    private static Hash256 Reference(byte[] header, ulong nonce)
    {
        var bytes = header.ToArray();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(BlockHeader.NonceOffset), nonce);
        return new Hash256(SHA256.HashData(bytes));
    }

    private static ulong? BruteForce(HeaderHasher hasher, ulong start, ulong count, Hash256 target)
    {
        for (ulong i = 0; i < count; i++)
        {
            if (hasher.ComputeHash(start + i) <= target)
            {
                return start + i;
            }
        }

        return null;
    }

    // The most nonces from start without passing ulong.MaxValue (saturating for start 0).
    private static ulong MaxCount(ulong start) => start == 0 ? ulong.MaxValue : ulong.MaxValue - start + 1;

    private static byte[] RandomHeader(int seed)
    {
        var bytes = new byte[BlockHeader.Size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
