using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Tests.Crypto;

/// <summary>The checksummed text form of addresses; the vectors are ENCODING.md's ("Address text").</summary>
public sealed class AddressTextTests
{
    [Theory]
    [InlineData("main", "0000000000000000000000000000000000000000", "chain1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnaycf2")]
    [InlineData("main", "00112233445566778899aabbccddeeff00112233", "chain1qqgjyv6y24n80zye42aueh0wluqpzg3nmqs4a2")]
    [InlineData("dev", "0000000000000000000000000000000000000000", "chaindev1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq790x3c")]
    [InlineData("dev", "00112233445566778899aabbccddeeff00112233", "chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c")]
    public void FormatAddress_EncodingVectors_MatchAndParseBack(string network, string hex, string text)
    {
        var parameters = NetworkParameters.Find(network)!;
        var address = Address.Parse(hex);

        Assert.Equal(text, parameters.FormatAddress(address));
        Assert.True(parameters.TryParseAddress(text, out var parsed, out var error), error);
        Assert.Equal(address, parsed);
        Assert.True(parameters.TryParseAddress(text.ToUpperInvariant(), out parsed, out _));
        Assert.Equal(address, parsed);
    }

    [Fact]
    public void TryParseAddress_OneCharacterTypo_RefusedSayingTheChecksumFails()
    {
        var text = NetworkParameters.Main.FormatAddress(Address.Parse("00112233445566778899aabbccddeeff00112233"));
        var typo = text[..20] + (text[20] == 'q' ? 'p' : 'q') + text[21..];

        Assert.False(NetworkParameters.Main.TryParseAddress(typo, out _, out var error));
        Assert.Contains("checksum does not match", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseAddress_AnotherNetworksAddress_RefusedNamingThePrefix()
    {
        var dev = NetworkParameters.Dev.FormatAddress(Address.Parse("00112233445566778899aabbccddeeff00112233"));

        Assert.False(NetworkParameters.Main.TryParseAddress(dev, out _, out var error));
        Assert.Contains("another network", error, StringComparison.Ordinal);
        Assert.Contains("'chaindev'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseAddress_Bare40Hex_RefusedAsHavingNoChecksum()
    {
        Assert.False(NetworkParameters.Dev.TryParseAddress("00112233445566778899aabbccddeeff00112233", out _, out var error));
        Assert.Contains("no checksum", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("chain1")]
    [InlineData("chain1qqqq")]
    [InlineData("hello")]
    public void TryParseAddress_NotAnAddress_Refused(string text)
    {
        Assert.False(NetworkParameters.Main.TryParseAddress(text, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void TryParseAddress_HugeInput_ErrorIsCut()
    {
        Assert.False(NetworkParameters.Main.TryParseAddress(new string('x', 1_000_000), out _, out var error));
        Assert.True(error!.Length < 300, error);
    }
}
