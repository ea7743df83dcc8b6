using Chain.Core.Encoding;

namespace Chain.Core.Tests.Encoding;

public sealed class Bech32mTests
{
    // BIP-350's valid Bech32m strings: the checksum and the character coding are the standard's.
    [Theory]
    [InlineData("A1LQFN3A")]
    [InlineData("a1lqfn3a")]
    [InlineData("an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6")]
    [InlineData("abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx")]
    [InlineData("split1checkupstagehandshakeupstreamerranterredcaperredlc445v")]
    [InlineData("?1v759aa")]
    public void TryDecode_Bip350ValidStrings_ChecksumAccepted(string text)
    {
        // Some vectors carry 5-bit data that is not whole bytes: only a checksum error would make this a failure here.
        Bech32m.TryDecode(text, out var error);
        Assert.NotEqual("checksum does not match", error);
    }

    [Theory]
    [InlineData("an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4")]
    [InlineData("qyrz8wqd2c9m")]
    [InlineData("1qyrz8wqd2c9m")]
    [InlineData("M1VUXWEZ")]
    [InlineData("mm1crxm3i")]
    [InlineData("au1s5cgom")]
    [InlineData("1p2gdwpf")]
    [InlineData("abc1rzg")]
    [InlineData("A1LQfN3A")]
    // A Bech32 (not m) checksum: BIP-173's "a12uel5l".
    [InlineData("a12uel5l")]
    public void TryDecode_Bip350InvalidStrings_Refused(string text)
    {
        Assert.Null(Bech32m.TryDecode(text, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Encode_ThenDecode_GivesTheBytesBack_AndEverySingleCharacterChangeIsCaught()
    {
        byte[] data = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11, 0x22, 0x33];
        var text = Bech32m.Encode("chain", data);
        var decoded = Bech32m.TryDecode(text, out _);
        Assert.NotNull(decoded);
        Assert.Equal("chain", decoded.Value.Prefix);
        Assert.Equal(data, decoded.Value.Data);
        Assert.NotNull(Bech32m.TryDecode(text.ToUpperInvariant(), out _));

        const string alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
        for (var i = "chain1".Length; i < text.Length; i++)
        {
            foreach (var c in alphabet.Where(c => c != text[i]))
            {
                var typo = text[..i] + c + text[(i + 1)..];
                Assert.Null(Bech32m.TryDecode(typo, out var error));
                Assert.Equal("checksum does not match", error);
            }
        }
    }
}
