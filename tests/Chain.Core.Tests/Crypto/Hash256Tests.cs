using System.Numerics;
using Chain.Core.Crypto;
using CsCheck;

namespace Chain.Core.Tests.Crypto;

public class Hash256Tests
{
    [Fact]
    public void Compute_Abc_KnownSha256()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hash256.Compute("abc"u8).ToString());
    }

    [Fact]
    public void CompareTo_RandomHashes_OrdersAsBigEndianNumbers()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[32]).Sample((a, b) =>
        {
            var expected = new BigInteger(a, isUnsigned: true, isBigEndian: true).CompareTo(new BigInteger(b, isUnsigned: true, isBigEndian: true));

            Assert.Equal(Math.Sign(expected), Math.Sign(new Hash256(a).CompareTo(new Hash256(b))));
            Assert.Equal(expected == 0, new Hash256(a) == new Hash256(b));
        });
    }

    [Fact]
    public void Parse_ToString_RoundTrips()
    {
        Gen.Byte.Array[32].Sample(bytes =>
        {
            var hash = new Hash256(bytes);

            Assert.Equal(hash, Hash256.Parse(hash.ToString()));
            Assert.Equal(bytes, hash.ToArray());
        });
    }

    [Theory]
    [InlineData(null)]
    [InlineData("00")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    public void TryParse_Malformed_False(string? text)
    {
        Assert.False(Hash256.TryParse(text, out _));
    }

    [Fact]
    public void Order_OnlyLastByteDiffers_Compared()
    {
        var low = new byte[32];
        var high = new byte[32];
        high[31] = 1;

        Assert.True(new Hash256(low) < new Hash256(high));
        Assert.True(Hash256.Zero <= new Hash256(low));
        Assert.True(new Hash256(high) > Hash256.Zero);
    }
}
