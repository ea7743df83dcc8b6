using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Mining;
using Chain.Node.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Chain.Node.Tests.Services;

/// <summary>The tip log: a line at once after a quiet spell, a summary per interval under a flood of blocks, and every reorganisation.</summary>
public sealed class TipLogTests
{
    private static readonly Address PayTo = Address.Parse(new string('1', 40));

    [Fact]
    public async Task TipChanged_FirstAtOnceThenSummarisedPerInterval_ReorganisationAlwaysLogged()
    {
        var chain = new Blockchain(NetworkParameters.Dev, TimeProvider.System);
        var miner = new Miner(chain, TimeProvider.System);
        var clock = new FakeTimeProvider();
        var logger = new ListLogger();
        var log = new TipLog(chain, new NoPeers(), clock, logger);
        chain.TipChanged += log.OnTipChanged;

        await miner.MineBlockAsync(PayTo, 1, CancellationToken.None);
        var first = Assert.Single(logger.Lines);
        Assert.StartsWith($"Information New tip 1 {chain.Tip.Hash} (1 transactions); best known height 1, 100.0%", first, StringComparison.Ordinal);

        await miner.MineBlockAsync(PayTo, 1, CancellationToken.None);
        await miner.MineBlockAsync(PayTo, 1, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(4));
        await miner.MineBlockAsync(PayTo, 1, CancellationToken.None);
        log.Flush(force: false);
        Assert.Single(logger.Lines); // within the interval: counted, not logged
        clock.Advance(TipLog.Interval - TimeSpan.FromSeconds(4));
        log.Flush(force: false);
        Assert.Equal(2, logger.Lines.Count);
        // The rate is over the time the blocks took (4 s), not the wait for the line.
        Assert.StartsWith($"Information New tip 4 {chain.Tip.Hash}: 3 blocks (3 transactions) in 4 s, 0.8 blocks/s", logger.Lines[1], StringComparison.Ordinal);
        log.Flush(force: true);
        Assert.Equal(2, logger.Lines.Count); // nothing new to say

        // A branch with more work from genesis: four blocks leave, six join.
        var oldTip = chain.Tip;
        var other = new Blockchain(NetworkParameters.Dev, TimeProvider.System);
        var otherMiner = new Miner(other, TimeProvider.System);
        var branch = new List<Block>();
        for (var i = 0; i < 6; i++)
        {
            branch.Add(await otherMiner.MineBlockAsync(Address.Parse(new string('2', 40)), 1, CancellationToken.None));
        }

        foreach (var block in branch)
        {
            chain.SubmitBlock(block);
        }

        Assert.Equal(branch[^1].Hash, chain.Tip.Hash);
        var reorg = Assert.Single(logger.Lines, l => l.Contains("Reorganisation", StringComparison.Ordinal));
        Assert.Equal($"Warning Reorganisation: 4 blocks disconnected, old tip 4 {oldTip.Hash}; new tip 5 {branch[4].Hash} (5 blocks connected)", reorg);
    }

    [Fact]
    public async Task Flush_BehindAPeer_SummaryShowsHeightOverTargetRatesAndTimeLeft()
    {
        var chain = new Blockchain(NetworkParameters.Dev, TimeProvider.System);
        var miner = new Miner(chain, TimeProvider.System);
        var clock = new FakeTimeProvider();
        var logger = new ListLogger();
        var log = new TipLog(chain, new PeerAt(104), clock, logger);
        chain.TipChanged += log.OnTipChanged;

        await miner.MineBlockAsync(PayTo, 1, CancellationToken.None);
        Assert.StartsWith($"Information New tip 1 {chain.Tip.Hash} (1 transactions); best known height 104, 1.0%", Assert.Single(logger.Lines), StringComparison.Ordinal);
        // Three blocks a second apart: 1 block/s, 100 blocks to go.
        for (var i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await miner.MineBlockAsync(PayTo, 1, CancellationToken.None);
        }

        clock.Advance(TipLog.Interval);
        log.Flush(force: false);
        Assert.Equal(2, logger.Lines.Count);
        Assert.Equal(
            $"Information New tip 4 {chain.Tip.Hash}: 3 blocks (3 transactions) in 3 s, 1 blocks/s, 1 tx/s; syncing 4/104, 3.8%, about 100 s left",
            logger.Lines[1]);
    }

    private sealed class PeerAt(uint height) : IPeerDirectory
    {
        public IReadOnlyList<PeerSummary> Peers => [new PeerSummary("127.0.0.1:7100", "abc", Inbound: false, BestHeight: height)];

        public Task<DialResult> ConnectAsync(string endpoint, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class NoPeers : IPeerDirectory
    {
        public IReadOnlyList<PeerSummary> Peers => [];

        public Task<DialResult> ConnectAsync(string endpoint, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class ListLogger : ILogger<TipLog>
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add($"{logLevel} {formatter(state, exception)}");
            }
        }
    }
}
