using Chain.Core.Ledger;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Services;

/// <summary>
/// How the best chain moves, in lines a person can read (bitcoind's UpdateTip, geth's "Imported new chain segment"):
/// a new tip is logged at once when the last such line is at least <see cref="Interval"/> old, else summarised in
/// one line per interval (blocks added, rate, and progress towards the best height the peers announced, with the time
/// left while behind), so a sync or a dev miner writes a line every 10 seconds, not one per block. Every reorganisation gets its own line (depth, old
/// and new tip), whatever the pace.
/// </summary>
public sealed partial class TipLog(Blockchain chain, IPeerDirectory peers, TimeProvider time, ILogger<TipLog> logger) : BackgroundService
{
    /// <summary>Shortest time between two tip lines (reorganisations excepted).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private long _lastLine = long.MinValue;
    private long _lastBlock;
    private int _blocks;
    private int _transactions;

    /// <summary>Called when the best chain moves (subscribed at start; public for tests).</summary>
    public void OnTipChanged(ChainUpdate update) => Record(update);

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        chain.TipChanged += OnTipChanged;
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        chain.TipChanged -= OnTipChanged;
        await base.StopAsync(cancellationToken);
        Flush(force: true);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Ticks a tenth of the interval apart, so a summary is at most a second late once blocks stop coming.
        using var timer = new PeriodicTimer(Interval / 10, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Flush(force: false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Record(ChainUpdate update)
    {
        if (update.Disconnected.Count > 0)
        {
            var old = update.Disconnected[0].Header;
            LogReorganised(logger, update.Disconnected.Count, old.Height, old.Hash.ToString(), update.Tip.Height, update.Tip.Hash.ToString(), update.Connected.Count);
        }

        lock (_gate)
        {
            _blocks += update.Connected.Count;
            _lastBlock = time.GetTimestamp();
            _transactions += update.Connected.Sum(b => b.Transactions.Count);
        }

        Flush(force: false);
    }

    /// <summary>Logs what is pending if the last line is old enough, or anyway with <paramref name="force"/> (the timer and the stop call it).</summary>
    public void Flush(bool force)
    {
        int blocks, transactions;
        double seconds;
        lock (_gate)
        {
            var now = time.GetTimestamp();
            var quiet = _lastLine == long.MinValue || time.GetElapsedTime(_lastLine, now) >= Interval;
            if (_blocks == 0 || (!quiet && !force))
            {
                return;
            }

            // From the last line to the last block counted: the rate of the blocks, not of the wait for the timer.
            seconds = _lastLine == long.MinValue ? 0 : time.GetElapsedTime(_lastLine, _lastBlock).TotalSeconds;
            (blocks, transactions) = (_blocks, _transactions);
            (_blocks, _transactions, _lastLine) = (0, 0, now);
        }

        var tip = chain.Tip;
        // The best height any connected peer announced at its handshake: what a sync is heading for.
        var target = Math.Max(tip.Height, peers.Peers.Select(p => p.BestHeight).DefaultIfEmpty(0u).Max());
        var progress = target == 0 ? 100.0 : 100.0 * tip.Height / target;
        if (blocks == 1)
        {
            LogNewTip(logger, tip.Height, tip.Hash.ToString(), transactions, target, progress);
        }
        else if (target > tip.Height && seconds > 0)
        {
            // Behind a peer: where the sync stands and, at this interval's pace, how long the rest takes.
            var rate = blocks / seconds;
            LogSyncProgress(logger, tip.Height, tip.Hash.ToString(), blocks, transactions, seconds, rate, transactions / seconds, target, progress, (target - tip.Height) / rate);
        }
        else
        {
            LogTipAdvanced(logger, tip.Height, tip.Hash.ToString(), blocks, transactions, seconds, seconds > 0 ? blocks / seconds : 0, target, progress);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "New tip {Height} {Hash} ({Transactions} transactions); best known height {Target}, {Progress:0.0}%")]
    private static partial void LogNewTip(ILogger logger, uint height, string hash, int transactions, uint target, double progress);

    [LoggerMessage(Level = LogLevel.Information, Message = "New tip {Height} {Hash}: {Blocks} blocks ({Transactions} transactions) in {Seconds:0} s, {Rate:0.#} blocks/s; best known height {Target}, {Progress:0.0}%")]
    private static partial void LogTipAdvanced(ILogger logger, uint height, string hash, int blocks, int transactions, double seconds, double rate, uint target, double progress);

    [LoggerMessage(Level = LogLevel.Information, Message = "New tip {Height} {Hash}: {Blocks} blocks ({Transactions} transactions) in {Seconds:0} s, {Rate:0.#} blocks/s, {TxRate:0} tx/s; syncing {Height}/{Target}, {Progress:0.0}%, about {SecondsLeft:0} s left")]
    private static partial void LogSyncProgress(ILogger logger, uint height, string hash, int blocks, int transactions, double seconds, double rate, double txRate, uint target, double progress, double secondsLeft);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reorganisation: {Depth} blocks disconnected, old tip {OldHeight} {OldHash}; new tip {Height} {Hash} ({Connected} blocks connected)")]
    private static partial void LogReorganised(ILogger logger, int depth, uint oldHeight, string oldHash, uint height, string hash, int connected);
}
