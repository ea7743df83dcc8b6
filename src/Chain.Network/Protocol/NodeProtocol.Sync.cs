using System.Buffers;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Network.Messages;
using Chain.Network.Peers;
using Microsoft.Extensions.Logging;

namespace Chain.Network.Protocol;

public sealed partial class NodeProtocol
{
    // Asks the peer for the best-chain blocks after our locator, unless such a request is already out (and
    // has not lapsed). A continuation puts the last block of the previous batch first, so the peer goes on
    // after it even when that batch sits on a branch that does not (yet) outweigh our best chain.
    private void RequestBlocks(PeerState state, Hash256? after = null)
    {
        var now = _time.GetTimestamp();
        lock (state.Gate)
        {
            if (state.SyncInFlight && _time.GetElapsedTime(state.SyncRequestedAt, now) < RequestTimeout)
            {
                return;
            }

            state.SyncInFlight = true;
            state.SyncRequestedAt = now;
        }

        var locator = _chain.GetLocator();
        if (after is { } first && locator[0] != first)
        {
            locator.Insert(0, first);
            if (locator.Count > GetBlocksMessage.MaxLocator)
            {
                locator.RemoveAt(locator.Count - 2); // keep genesis last
            }
        }

        Send(state, new GetBlocksMessage(locator.ConvertAll(h => h.ToString())));
    }

    private void OnGetBlocks(PeerState state, GetBlocksMessage message)
    {
        if (!TryParseIds(state, message.Locator, out var locator))
        {
            return;
        }

        var tip = _chain.Tip;
        var entries = _chain.GetEntriesAfter(locator, BlocksMessage.MaxBlocks);
        var encodings = new List<ReadOnlyMemory<byte>>(entries.Count);
        var pooled = new List<byte[]>();
        try
        {
            var bytes = 0;
            foreach (var entry in entries)
            {
                // A body in memory (not yet stored, or in the cache of recent blocks) is written into a pooled array; a
                // stored one is read from the block file as it is, never decoded (its hash checked against the
                // index), as getdata reads it. The budget is checked on each block's size before it is added.
                var block = entry.LoadedBlock;
                var stored = block is null ? entry.EncodeBlock() : null;
                var size = stored?.Length ?? block!.EncodedSize;
                if (encodings.Count > 0 && bytes + size > BlocksMessage.MaxBatchBytes)
                {
                    break;
                }

                if (stored is not null)
                {
                    encodings.Add(stored);
                }
                else
                {
                    var array = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
                    pooled.Add(array);
                    encodings.Add(array.AsMemory(0, block!.Encode(array)));
                }

                bytes += size;
            }

            // "More" when the batch stops short of the tip the blocks were taken from.
            var count = encodings.Count;
            var more = count > 0 && entries[count - 1].Height < Math.Max(tip.Height, entries[^1].Height);
            lock (state.Gate)
            {
                for (var i = 0; i < count; i++)
                {
                    state.KnownBlocks.Add(entries[i].Hash);
                }
            }

            // Written straight from the encodings into a pooled array that the connection returns once sent: the same
            // bytes as Send(new BlocksMessage(...)) without two fresh copies of up to 2 MiB per batch.
            var (payload, length) = BlocksMessageCodec.EncodeRented(encodings, more);
            state.Connection.TrySendPooled(payload, length);
        }
        finally
        {
            foreach (var array in pooled)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }

    private void OnBlocks(PeerState state, BlocksMessage message)
    {
        // The whole batch is decoded first: a malformed block disconnects before any of the batch is taken.
        var blocks = new List<Block>(message.Blocks.Count);
        foreach (var bytes in message.Blocks)
        {
            var block = TryDecode(state, bytes, Block.MaxEncodedSize, _ => Block.DecodeParallel(bytes), "block");
            if (block is null)
            {
                lock (state.Gate)
                {
                    state.SyncInFlight = false;
                }

                return;
            }

            blocks.Add(block);
        }

        OnBlocks(state, blocks, message.More);
    }

    // A batch whose blocks all decoded (by BlocksMessageCodec, or above).
    private void OnBlocks(PeerState state, List<Block> blocks, bool more)
    {
        NetworkMetrics.BlocksReceived.Add(blocks.Count);
        lock (state.Gate)
        {
            state.SyncInFlight = false;
        }

        var pipelined = RequestNextBatchEarly(state, more, blocks);
        var progressed = 0;
        Block? last = null;
        foreach (var block in blocks)
        {
            var known = _chain.KnowsBlock(block.Hash);
            var outcome = SubmitPeerBlock(state, block, requestMissing: false);
            if (outcome == PeerBlockOutcome.Punished)
            {
                return;
            }

            if (outcome == PeerBlockOutcome.Deferred)
            {
                // The rest of the batch builds on a block we refused for now: stop here, ask again later.
                LogSyncDeferred(_logger, block.Hash.ToString(), state.Connection.ToString());
                return;
            }

            progressed += known ? 0 : 1;
            last = block;
        }

        state.BlocksReceived += progressed;
        if (blocks.Count > 0)
        {
            var tip = _chain.Tip;
            LogSyncProgress(_logger, tip.Height, progressed, state.Connection.ToString(), more);
        }

        if (pipelined && last is not null && _chain.GetBlock(last.Hash) is not null)
        {
            return; // the next batch is already on its way
        }

        // Go on after the batch's last block while the peer has more; a batch ending where the previous one
        // did (a repeat) or outside our block tree (it did not connect) falls back to our own locator, once,
        // and only if it taught us something and the peer still shows more work.
        // A block held for its branch's low work (BlockStatus.Held) hangs off the tree too: go on after it.
        Hash256? continuation = last is not null && (_chain.GetBlock(last.Hash) is not null || _chain.HoldsSideBlock(last.Hash)) ? last.Hash : null;
        bool repeat;
        lock (state.Gate)
        {
            repeat = continuation is not null && continuation == state.SyncContinuation;
            if (more && continuation is not null && !repeat)
            {
                state.SyncContinuation = continuation;
            }
        }

        if (more && continuation is not null && !repeat)
        {
            RequestBlocks(state, continuation);
        }
        else if (progressed > 0 && (more || state.BestWork > _chain.Tip.CumulativeWork))
        {
            RequestBlocks(state);
        }
    }

    // Pipelining: when the peer has more and the batch hangs off our block tree, the next batch is asked for (after
    // this batch's last block) before this one is validated, so the peer reads and encodes it meanwhile. Validation
    // is unchanged: an invalid block still disconnects the peer, and a batch ending outside our tree (deferred) only
    // makes the early answer's blocks orphans, as an unsolicited batch would. Not for a repeat of the last batch.
    private bool RequestNextBatchEarly(PeerState state, bool more, List<Block> blocks)
    {
        if (!more || blocks.Count == 0 || _chain.GetBlock(blocks[0].Header.PreviousHash) is null)
        {
            return false;
        }

        var last = blocks[^1].Hash;
        lock (state.Gate)
        {
            if (state.SyncContinuation == last)
            {
                return false;
            }

            state.SyncContinuation = last;
        }

        RequestBlocks(state, last);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sync: height {Height} after {Blocks} new blocks from {Peer} (more: {More})")]
    private static partial void LogSyncProgress(ILogger logger, uint height, int blocks, string peer, bool more);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync from {Peer} paused at block {Hash}, deferred for its timestamp")]
    private static partial void LogSyncDeferred(ILogger logger, string hash, string peer);
}
