using Chain.Network.Peers;

namespace Chain.Network.Tests.Peers;

public sealed class PeerAddressTests
{
    private static readonly string Id = new('a', 64);

    [Theory]
    [InlineData("127.0.0.1:9333", "127.0.0.1", 9333)]
    [InlineData("node.example:1", "node.example", 1)]
    [InlineData("[::1]:65535", "::1", 65535)]
    [InlineData(" localhost:80 ", "localhost", 80)]
    public void Parse_HostAndPort_ReadsBoth(string text, string host, int port)
    {
        var address = PeerAddress.Parse(text);

        Assert.Equal(new PeerAddress(host, port), address);
    }

    [Fact]
    public void Parse_PinnedId_ReadsLowerCaseId()
    {
        var address = PeerAddress.Parse($"10.0.0.1:9333@{Id.ToUpperInvariant()}");

        Assert.Equal(Id, address.NodeId);
        Assert.Equal($"10.0.0.1:9333@{Id}", address.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("host", "port is missing")]
    [InlineData("host:0", "port must be")]
    [InlineData("host:65536", "port must be")]
    [InlineData("host:12a", "port must be")]
    [InlineData(":9333", "host is empty")]
    [InlineData("::1:9333", "brackets")]
    [InlineData("[::1]9333", "[ipv6-address]:port")]
    [InlineData("host:9333@abc", "node id")]
    public void TryParse_Invalid_SaysWhatIsWrong(string text, string expected)
    {
        Assert.False(PeerAddress.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => PeerAddress.Parse(text));
    }

    [Fact]
    public void ToString_IPv6_IsBracketed()
    {
        Assert.Equal("[::1]:5", new PeerAddress("::1", 5).ToString());
    }
}
