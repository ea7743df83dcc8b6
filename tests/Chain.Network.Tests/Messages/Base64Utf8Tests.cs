using System.Text;
using Chain.Network.Messages;

namespace Chain.Network.Tests.Messages;

public class Base64Utf8Tests
{
    [Fact]
    public void Encode_EveryLengthUpTo300_MatchesConvert()
    {
        var random = new Random(5);
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var text = new byte[Base64Utf8.EncodedLength(length)];

            Base64Utf8.Encode(data, text);

            Assert.Equal(Convert.ToBase64String(data), Encoding.ASCII.GetString(text));
        }
    }

    [Fact]
    public void WriteQuoted_EveryLengthUpTo300_QuotedConvertAndNothingPastIt()
    {
        var random = new Random(7);
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var destination = new byte[Base64Utf8.QuotedLength(length) + 3];
            destination.AsSpan().Fill((byte)'#');

            var written = Base64Utf8.WriteQuoted(data, destination);

            Assert.Equal(Base64Utf8.QuotedLength(length), written);
            Assert.Equal($"\"{Convert.ToBase64String(data)}\"###", Encoding.ASCII.GetString(destination));
        }
    }

    [Fact]
    public void TryDecodeCanonical_EveryLengthUpTo300_RoundTrips()
    {
        var random = new Random(6);
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);

            Assert.Equal(data, Base64Utf8.TryDecodeCanonical(Encoding.ASCII.GetBytes(Convert.ToBase64String(data))));
        }
    }

    [Theory]
    [InlineData("A")]
    [InlineData("AQI")]
    [InlineData("AQ=")]
    [InlineData("A===")]
    [InlineData("====")]
    [InlineData("AQ=A")]
    [InlineData("AR==")] // unused bits set
    [InlineData("AQJ=")] // unused bits set
    [InlineData("AQ== ")]
    [InlineData("AQ\n==")]
    [InlineData("AQ==AQ==")] // padding inside
    [InlineData("AQ*=")]
    [InlineData("\\u0041AA=")]
    [InlineData("AAAA\"AAA")]
    public void TryDecodeCanonical_NotCanonical_ReturnsNull(string text)
    {
        Assert.Null(Base64Utf8.TryDecodeCanonical(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void TryDecodeCanonical_EveryNonAlphabetByteInAnyPosition_ReturnsNull()
    {
        var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8.ToArray();
        for (var value = 0; value < 256; value++)
        {
            if (alphabet.Contains((byte)value))
            {
                continue;
            }

            for (var position = 0; position < 8; position++)
            {
                var text = Encoding.ASCII.GetBytes("QUJDREVG");
                text[position] = (byte)value;

                Assert.Null(Base64Utf8.TryDecodeCanonical(text));
            }
        }
    }
}
