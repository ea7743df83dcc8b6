using Chain.Node.Logging;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Tests.Logging;

public sealed class NodeLogFormatterTests
{
    private static readonly DateTimeOffset Time = new(2026, 12, 5, 15, 0, 1, TimeSpan.FromHours(2));

    [Fact]
    public void WriteLine_Information_UtcTimeWithDateLevelAndMessageOnly()
    {
        var output = new StringWriter();
        NodeLogFormatter.WriteLine(output, Time, LogLevel.Information, "Chain.Network.Peers.PeerManager", "Listening for peers", null);
        Assert.Equal("2026-12-05T13:00:01Z info  Listening for peers\n", output.ToString());
    }

    [Fact]
    public void WriteLine_DebugWithException_CategoryNamedAndExceptionOnTheLinesAfter()
    {
        var output = new StringWriter();
        NodeLogFormatter.WriteLine(output, Time, LogLevel.Debug, "Chain.Network.Protocol.NodeProtocol", "Block 4 connected", new InvalidOperationException("boom"));
        var lines = output.ToString().Split('\n');
        Assert.Equal("2026-12-05T13:00:01Z dbug  Chain.Network.Protocol.NodeProtocol: Block 4 connected", lines[0]);
        Assert.Equal("System.InvalidOperationException: boom", lines[1]);
    }

    [Theory]
    [InlineData(LogLevel.Warning, "warn")]
    [InlineData(LogLevel.Error, "fail")]
    [InlineData(LogLevel.Critical, "crit")]
    public void WriteLine_Levels_FourLetters(LogLevel level, string label)
    {
        var output = new StringWriter();
        NodeLogFormatter.WriteLine(output, Time, level, "X", "m", null);
        Assert.Equal($"2026-12-05T13:00:01Z {label}  m\n", output.ToString());
    }
}
