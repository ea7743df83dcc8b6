using Chain.Core.Ledger;
using Chain.Network.Messages;
using Microsoft.Extensions.Logging;

namespace Chain.Network.Protocol;

public sealed partial class NodeProtocol
{
    // Asks the peer for the best-chain blocks after our locator, unless such a request is already out.
    private void RequestBlocks(PeerState state)
    {
        lock (state.Gate)
        {
            if (state.SyncInFlight)
            {
                return;
            }

            state.SyncInFlight = true;
        }

        var locator = _chain.GetLocator().Select(h => h.ToString()).ToList();
        Send(state, new GetBlocksMessage(locator));
    }

    private void OnGetBlocks(PeerState state, GetBlocksMessage message)
    {
        if (!TryParseIds(state, message.Locator, out var locator))
        {
            return;
        }

        var blocks = _chain.GetBlocksAfter(locator, BlocksMessage.MaxBlocks);
        var encoded = new List<string>(blocks.Count);
        var bytes = 0;
        foreach (var block in blocks)
        {
            var raw = block.Encode();
            if (encoded.Count > 0 && bytes + raw.Length > BlocksMessage.MaxBatchBytes)
            {
                break;
            }

            encoded.Add(Convert.ToBase64String(raw));
            bytes += raw.Length;
        }

        var more = encoded.Count > 0 && blocks[encoded.Count - 1].Height < _chain.Tip.Height;
        lock (state.Gate)
        {
            for (var i = 0; i < encoded.Count; i++)
            {
                state.KnownBlocks.Add(blocks[i].Hash);
            }
        }

        Send(state, new BlocksMessage(encoded, more));
    }

    private void OnBlocks(PeerState state, BlocksMessage message)
    {
        lock (state.Gate)
        {
            state.SyncInFlight = false;
        }

        var progressed = 0;
        foreach (var text in message.Blocks)
        {
            var block = TryDecode(state, text, Block.MaxEncodedSize, Block.Decode, "block");
            if (block is null)
            {
                return;
            }

            var known = _chain.KnowsBlock(block.Hash);
            if (!SubmitPeerBlock(state, block))
            {
                return;
            }

            progressed += known ? 0 : 1;
        }

        state.BlocksReceived += progressed;
        if (message.Blocks.Count > 0)
        {
            var tip = _chain.Tip;
            LogSyncProgress(_logger, tip.Height, progressed, state.Connection.ToString(), message.More);
        }

        // Go on while the peer says it has more and the last batch taught us something (no loops on repeats).
        if (progressed > 0 && (message.More || state.BestWork > _chain.Tip.CumulativeWork))
        {
            RequestBlocks(state);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync: height {Height} after {Blocks} new blocks from {Peer} (more: {More})")]
    private static partial void LogSyncProgress(ILogger logger, uint height, int blocks, string peer, bool more);
}
