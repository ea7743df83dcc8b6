using System.Numerics;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using CsCheck;

namespace Chain.Core.Tests.Ledger;

public class TargetTests
{
    private static readonly BigInteger TwoTo256 = BigInteger.One << 256;

    [Theory]
    [InlineData(0x1d00ffffu, "ffff", 208)]
    [InlineData(0x1f00ffffu, "ffff", 224)]
    [InlineData(0x207fffffu, "7fffff", 232)]
    [InlineData(0x2100ffffu, "ffff", 240)]
    [InlineData(0x03000001u, "1", 0)]
    [InlineData(0x02008000u, "80", 0)]
    [InlineData(0x01120000u, "12", 0)]
    public void Expand_KnownBits_MantissaTimes256PowExponentMinus3(uint bits, string mantissaHex, int shift)
    {
        var mantissa = BigInteger.Parse("0" + mantissaHex, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(mantissa << shift, Target.Expand(bits));
    }

    [Theory]
    [InlineData(0x04800000u)] // sign bit: negative
    [InlineData(0x1d800001u)] // sign bit with mantissa
    [InlineData(0x1d000000u)] // zero mantissa
    [InlineData(0x00000000u)]
    [InlineData(0x01003456u)] // shifted right to zero
    [InlineData(0x21010000u)] // exactly 2^256
    [InlineData(0x22000100u)] // 2^256 again
    [InlineData(0xff7fffffu)] // far above 2^256
    public void TryExpand_NegativeZeroOrOverflowing_False(uint bits)
    {
        Assert.False(Target.TryExpand(bits, out _));
        Assert.Throws<ArgumentException>(() => Target.Expand(bits));
    }

    [Fact]
    public void Compress_KnownTargets_CanonicalBits()
    {
        Assert.Equal(0x1d00ffffu, Target.Compress(BigInteger.Parse("0ffff", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) << 208));
        Assert.Equal(0x01010000u, Target.Compress(BigInteger.One)); // 0x03000001 also expands to 1, but is not canonical
        Assert.Equal(0x02008000u, Target.Compress(new BigInteger(0x80)));
        Assert.Equal(0x04008000u, Target.Compress(new BigInteger(0x80_0000)));
        Assert.Equal(0x207fffffu, Target.Compress(Target.Expand(0x207fffff)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Compress_NotPositive_Throws(int target)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Target.Compress(target));
    }

    [Fact]
    public void Compress_RandomTargets_ExpandRoundsDownBySmallRelativeError()
    {
        Gen.Byte.Array[1, 32].Where(b => b.Any(x => x != 0)).Sample(bytes =>
        {
            var target = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
            var bits = Target.Compress(target);
            var back = Target.Expand(bits);

            Assert.True(back <= target);
            Assert.True((target - back) << 15 <= target, $"0x{bits:x8} loses too much of {target}");
            Assert.Equal(bits, Target.Compress(back));
        });
    }

    [Fact]
    public void Expand_RandomCanonicalBits_CompressRoundTrips()
    {
        Gen.Select(Gen.Int[4, 32], Gen.UInt[0x8000, 0x7f_ffff], (exponent, mantissa) => ((uint)exponent << 24) | mantissa)
            .Where(bits => Target.TryExpand(bits, out _))
            .Sample(bits => Assert.Equal(bits, Target.Compress(Target.Expand(bits))));
    }

    [Fact]
    public void Expand_RandomBits_NeverThrowsOtherThanArgumentAndStaysBelow2Pow256()
    {
        Gen.UInt.Sample(bits =>
        {
            if (Target.TryExpand(bits, out var target))
            {
                Assert.InRange(target, BigInteger.One, TwoTo256 - 1);
            }
            else
            {
                Assert.Throws<ArgumentException>(() => Target.Expand(bits));
            }
        });
    }

    [Theory]
    [InlineData(0x207fffffu, "2")]
    [InlineData(0x1f00ffffu, "65537")]
    [InlineData(0x1d00ffffu, "4295032833")]
    public void Work_KnownBits_ExpectedHashes(uint bits, string expected)
    {
        Assert.Equal(UInt128.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Target.Work(bits));
    }

    [Fact]
    public void Work_HarderTarget_MoreWorkAndSaturatesAt128Bits()
    {
        Assert.True(Target.Work(0x1e00ffff) > Target.Work(0x1f00ffff));
        Assert.InRange(Target.Work(0x1f003fff), 4 * Target.Work(0x1f00ffff), (4 * Target.Work(0x1f00ffff)) + 16);
        Assert.Equal(UInt128.MaxValue, Target.Work(0x03000001));
    }

    [Fact]
    public void IsMetBy_HashComparedAsBigEndianNumber_AtMostTarget()
    {
        var target = Target.Expand(0x1f00ffff);
        var atTarget = Target.ToHash(target);
        var above = Target.ToHash(target + 1);
        var below = Target.ToHash(target - 1);

        Assert.Equal("0000ffff" + new string('0', 56), atTarget.ToString());
        Assert.True(Target.IsMetBy(atTarget, target));
        Assert.True(Target.IsMetBy(below, target));
        Assert.False(Target.IsMetBy(above, target));
        Assert.True(below < atTarget && atTarget < above);
    }

    [Fact]
    public void IsMetBy_RandomHashes_AgreesWithHashOrder()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[32]).Sample((a, b) =>
        {
            var hash = new Hash256(a);
            var targetHash = new Hash256(b);
            var target = new BigInteger(b, isUnsigned: true, isBigEndian: true);

            Assert.Equal(hash <= targetHash, Target.IsMetBy(hash, target));
            Assert.Equal(targetHash, Target.ToHash(target));
        });
    }
}
