using System.Net;
using Chain.Network.Peers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Chain.Network.Tests.Peers;

public sealed class RefusalLogTests
{
    [Fact]
    public void Record_AFloodWithinOneInterval_AtMostTwoLinesPerInterval()
    {
        var time = new FakeTimeProvider();
        var logger = new CountingLogger();
        var log = new RefusalLog(logger, time, "Inbound connection refused");
        var endPoint = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 1234);

        for (var i = 0; i < 10_000; i++)
        {
            log.Record(endPoint, i % 2 == 0 ? PeerManager.HandshakeRateRefusal : PeerManager.DiscouragedRefusal);
        }

        Assert.Equal(1, logger.Lines);

        // The next refusal after the interval brings the summary of the 9,999 counted ones, and itself.
        time.Advance(RefusalLog.Interval);
        log.Record(endPoint, PeerManager.HandshakeRateRefusal);
        Assert.Equal(3, logger.Lines);
        Assert.Contains("9999", logger.Last[^2], StringComparison.Ordinal);
        Assert.Contains("5000 " + PeerManager.DiscouragedRefusal, logger.Last[^2], StringComparison.Ordinal);
        Assert.Equal(logger.Lines, log.LinesWritten);
    }

    private sealed class CountingLogger : ILogger
    {
        public List<string> Last { get; } = [];

        public int Lines => Last.Count;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Last.Add(formatter(state, exception));
    }
}
