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

    [Fact]
    public void GetHashCode_IdsEqualOutsideTheMiddleSixteenBytes_SpreadOverBuckets()
    {
        // Failed before the fix: the hash code combined bytes 0-7 and 24-31 only, so a peer could send thousands of
        // ids sharing one hash code and turn every dictionary of ids into a list (an inv of them froze the node).
        const int count = 4_096;
        var codes = new HashSet<int>();
        var buckets = new int[count];
        for (var i = 0; i < count; i++)
        {
            var bytes = new byte[32];
            BitConverter.TryWriteBytes(bytes.AsSpan(8), (long)i);
            BitConverter.TryWriteBytes(bytes.AsSpan(16), (long)i * 7919);
            var id = new Hash256(bytes);
            codes.Add(id.GetHashCode());
            buckets[(uint)id.GetHashCode() % count]++;
        }

        // A random function gives about 4,094 distinct codes and a largest bucket of about 7; one shared code gives 1
        // and 4,096.
        Assert.True(codes.Count > count - 16, $"{codes.Count} distinct hash codes for {count} ids");
        Assert.True(buckets.Max() < 20, $"largest bucket {buckets.Max()}");
    }

    [Fact]
    public void GetHashCode_EveryByte_ChangesTheCode()
    {
        var baseline = new Hash256(new byte[32]).GetHashCode();
        for (var i = 0; i < 32; i++)
        {
            var bytes = new byte[32];
            bytes[i] = 1;
            Assert.NotEqual(baseline, new Hash256(bytes).GetHashCode());
        }
    }
}
