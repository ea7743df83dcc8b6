using Chain.Core.Ledger;
using Chain.Node.Services;
using Microsoft.Extensions.Logging;

namespace Chain.Node;

/// <summary>Builds the ledger at start: replays and re-validates the stored blocks, then appends new ones to the same file.</summary>
internal static partial class LedgerLoader
{
    public static Blockchain Load(NetworkParameters network, TimeProvider time, DataFolder data, ILogger logger)
    {
        if (data.Recovery.HadTornTail)
        {
            LogTornTail(logger, data.Recovery.TruncatedBytes, data.Blocks.FilePath);
        }

        var chain = new Blockchain(network, time, data.Blocks);
        chain.HandlerFailed += e => LogHandlerFailed(logger, e);
        var refused = chain.Load(data.StoredBlocks);
        var tip = chain.Tip;
        LogLoaded(logger, data.StoredBlocks.Count, refused, tip.Height, tip.Hash.ToString(), network.Name, data.Path);
        return chain;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A handler of a ledger event failed (the block or transaction was accepted)")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cut {Bytes} bytes of a torn last record from {File}")]
    private static partial void LogTornTail(ILogger logger, long bytes, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Blocks} stored blocks ({Refused} refused): height {Height} tip {Tip} on {Network}, data in {Folder}")]
    private static partial void LogLoaded(ILogger logger, int blocks, int refused, uint height, string tip, string network, string folder);
}
