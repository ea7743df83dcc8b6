using Chain.Core.Ledger;
using Chain.Core.Persistence;
using Chain.Node.Services;
using Microsoft.Extensions.Logging;

namespace Chain.Node;

/// <summary>
/// Builds the ledger at start: the chain state store's state as it is (no block validated again), then the blocks of
/// blocks.dat it does not know yet, validated; with an empty store (new folder, first start after an upgrade,
/// <c>--reindex</c>) that is every block of blocks.dat, with progress in the log.
/// </summary>
internal static partial class LedgerLoader
{
    /// <summary>How often a replay logs its progress.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    public static Blockchain Load(NetworkParameters network, TimeProvider time, DataFolder data, long blockCacheBytes, long stateCacheBytes, ILogger logger)
    {
        if (data.Recovery.HadTornTail)
        {
            LogTornTail(logger, data.Recovery.TruncatedBytes, data.Blocks.FilePath);
        }

        var started = time.GetTimestamp();
        Blockchain chain;
        try
        {
            chain = new Blockchain(network, time, data.Blocks, store: data.State, blockCacheBytes: blockCacheBytes, stateCacheBytes: stateCacheBytes);
        }
        catch (ChainStateStoreException e)
        {
            throw new DataFolderException($"{data.Path}: {e.Message}", e);
        }

        chain.HandlerFailed += e => LogHandlerFailed(logger, e);
        var blocks = data.UnindexedBlocks;
        if (data.StateBuild is { } reason && blocks.Count > 0)
        {
            LogBuilding(logger, blocks.Count, reason);
        }

        var progress = new ReplayProgress(blocks, time, logger);
        var refused = chain.Load(blocks, progress.Replayed);
        var tip = chain.Tip;
        LogLoaded(
            logger,
            chain.BlockCount - 1,
            refused,
            blocks.Count,
            time.GetElapsedTime(started).TotalSeconds,
            tip.Height,
            tip.Hash.ToString(),
            network.Name,
            data.Path);
        return chain;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A handler of a ledger event failed (the block or transaction was accepted)")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cut {Bytes} bytes of a torn last record from {File}")]
    private static partial void LogTornTail(ILogger logger, long bytes, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Building the chain state from blocks.dat ({Reason}): validating {Blocks} blocks")]
    private static partial void LogBuilding(ILogger logger, int blocks, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replaying blocks.dat: height {Height}, {Done}/{Total} blocks ({Percent:F1}% of the transactions), {BlocksPerSecond:F1} blocks/s, {TxPerSecond:F0} tx/s, about {SecondsLeft:F0} s left")]
    private static partial void LogProgress(ILogger logger, uint height, int done, int total, double percent, double blocksPerSecond, double txPerSecond, double secondsLeft);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Block {Height} {Hash} at byte {Position} of blocks.dat refused on replay: {Status}, {Reason}")]
    private static partial void LogRefused(ILogger logger, uint height, string hash, long position, BlockStatus status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Blocks} stored blocks ({Refused} refused) in {Seconds:F2} s, {Validated} validated from blocks.dat and the others from the chain state: height {Height} tip {Tip} on {Network}, data in {Folder}")]
    private static partial void LogLoaded(ILogger logger, int blocks, int refused, int validated, double seconds, uint height, string tip, string network, string folder);

    // Logs a replay's progress every ProgressInterval: rates since the start and the time left at that rate, by
    // transactions (what validation costs).
    private sealed class ReplayProgress(IReadOnlyList<StoredBlock> blocks, TimeProvider time, ILogger logger)
    {
        private readonly long _started = time.GetTimestamp();
        private readonly long _totalTransactions = blocks.Sum(b => (long)b.Block.Transactions.Count);
        private long _nextReport = time.GetTimestamp() + (long)(ProgressInterval.TotalSeconds * time.TimestampFrequency);
        private long _transactions;

        public void Replayed(int index, Block block, BlockResult result)
        {
            if (result.Status == BlockStatus.Invalid)
            {
                LogRefused(logger, block.Height, block.Hash.ToString(), blocks[index].Position, result.Status, result.Message);
            }

            _transactions += block.Transactions.Count;
            var now = time.GetTimestamp();
            if (now < _nextReport)
            {
                return;
            }

            _nextReport = now + (long)(ProgressInterval.TotalSeconds * time.TimestampFrequency);
            var seconds = Math.Max(time.GetElapsedTime(_started).TotalSeconds, 1e-3);
            var txPerSecond = _transactions / seconds;
            var left = txPerSecond > 0 ? (_totalTransactions - _transactions) / txPerSecond : 0;
            LogProgress(logger, block.Height, index + 1, blocks.Count, 100.0 * _transactions / Math.Max(_totalTransactions, 1), (index + 1) / seconds, txPerSecond, left);
        }
    }
}
