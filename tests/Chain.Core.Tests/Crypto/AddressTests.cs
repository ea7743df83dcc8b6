using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Tests.TestSupport;
using CsCheck;

namespace Chain.Core.Tests.Crypto;

public class AddressTests
{
    [Fact]
    public void FromPublicKey_Key_First20BytesOfSha256()
    {
        var key = TestChain.Key(0).ExportSubjectPublicKeyInfo();

        var address = Address.FromPublicKey(key);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, Address.Size)), address.ToString());
        Assert.NotEqual(address, Address.FromPublicKey(TestChain.Key(1).ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void Parse_ToString_RoundTripsAndUpperCaseAccepted()
    {
        Gen.Byte.Array[Address.Size].Sample(bytes =>
        {
            var address = new Address(bytes);
            var text = address.ToString();

            Assert.Equal(40, text.Length);
            Assert.Equal(address, Address.Parse(text));
            Assert.Equal(address, Address.Parse(text.ToUpperInvariant()));
            Assert.Equal(address.GetHashCode(), Address.Parse(text).GetHashCode());
            var written = new byte[Address.Size];
            address.WriteTo(written);
            Assert.Equal(bytes, written);
        });
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0011")]
    [InlineData("00112233445566778899aabbccddeeff0011223")]
    [InlineData("00112233445566778899aabbccddeeff001122334")]
    [InlineData("g0112233445566778899aabbccddeeff00112233")]
    public void TryParse_Malformed_False(string? text)
    {
        Assert.False(Address.TryParse(text, out var address));
        Assert.Equal(Address.Zero, address);
        Assert.Throws<FormatException>(() => Address.Parse(text!));
    }

    [Fact]
    public void Constructor_WrongLength_ArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new Address(new byte[19]));
    }
}
