using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Network.Messages;
using Microsoft.Extensions.Logging;

namespace Chain.Network.Protocol;

public sealed partial class NodeProtocol
{
    /// <summary>Base64 characters of transactions put into one <c>tx</c> message.</summary>
    public const int MaxTxMessageChars = 3 * 1024 * 1024;

    /// <summary>Blocks served for one <c>getdata</c>; a peer asking for more gets the first ones.</summary>
    public const int MaxBlocksPerGetData = 500;

    private void OnTransactionAdded(Transaction tx) => _txAnnouncements.Enqueue(tx.Id);

    private void OnTipChanged(ChainUpdate update)
    {
        var connected = update.Connected;
        if (connected.Count <= MaxBlocksAnnouncedPerUpdate)
        {
            foreach (var block in connected)
            {
                _blockAnnouncements.Enqueue(block.Hash);
            }
        }
        else
        {
            _blockAnnouncements.Enqueue(update.Tip.Hash);
        }
    }

    private async Task AnnounceLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(AnnounceInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                FlushAnnouncements();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends every queued announcement to each peer not known to have it.</summary>
    internal void FlushAnnouncements()
    {
        var txs = Drain(_txAnnouncements);
        var blocks = Drain(_blockAnnouncements);
        if (txs.Count == 0 && blocks.Count == 0)
        {
            return;
        }

        foreach (var state in _states.Values)
        {
            var newTxs = new List<string>();
            var newBlocks = new List<string>();
            lock (state.Gate)
            {
                foreach (var id in blocks)
                {
                    if (state.KnownBlocks.Add(id))
                    {
                        newBlocks.Add(id.ToString());
                    }
                }

                foreach (var id in txs)
                {
                    if (state.KnownTxs.Add(id))
                    {
                        newTxs.Add(id.ToString());
                    }
                }
            }

            SendInv(state, newTxs, newBlocks);
        }
    }

    // Announces in as few inv messages as the id cap allows; blocks go in the first.
    private void SendInv(PeerState state, List<string> txs, List<string> blocks)
    {
        var offset = 0;
        var first = true;
        while (first ? txs.Count > 0 || blocks.Count > 0 : offset < txs.Count)
        {
            var room = Math.Max(0, InvMessage.MaxIds - (first ? blocks.Count : 0));
            var chunk = txs.GetRange(offset, Math.Min(room, txs.Count - offset));
            Send(state, new InvMessage(chunk, first ? blocks : []));
            offset += chunk.Count;
            first = false;
        }
    }

    private static List<Hash256> Drain(System.Collections.Concurrent.ConcurrentQueue<Hash256> queue)
    {
        var items = new List<Hash256>();
        while (queue.TryDequeue(out var id))
        {
            items.Add(id);
        }

        return items;
    }

    private void OnInv(PeerState state, InvMessage inv)
    {
        if (!TryParseIds(state, inv.Txs, out var txIds) || !TryParseIds(state, inv.Blocks, out var blockIds))
        {
            return;
        }

        var now = _time.GetTimestamp();
        var wantTxs = new List<string>();
        var wantBlocks = new List<string>();
        lock (state.Gate)
        {
            foreach (var id in txIds)
            {
                state.KnownTxs.Add(id);
            }

            foreach (var id in blockIds)
            {
                state.KnownBlocks.Add(id);
            }
        }

        foreach (var id in txIds)
        {
            if (!_chain.KnowsTransaction(id) && ClaimTxRequest(id, now))
            {
                wantTxs.Add(id.ToString());
            }
        }

        foreach (var id in blockIds)
        {
            if (!_chain.KnowsBlock(id))
            {
                lock (state.Gate)
                {
                    state.RequestedBlocks.Add(id);
                }

                wantBlocks.Add(id.ToString());
            }
        }

        if (wantTxs.Count > 0 || wantBlocks.Count > 0)
        {
            Send(state, new GetDataMessage(wantTxs, wantBlocks));
        }
    }

    // One outstanding request per transaction across all peers; a request unanswered for RequestTimeout lapses.
    private bool ClaimTxRequest(Hash256 id, long now)
    {
        if (_txRequests.TryGetValue(id, out var asked) && _time.GetElapsedTime(asked, now) < RequestTimeout)
        {
            return false;
        }

        _txRequests[id] = now;
        return true;
    }

    private void OnGetData(PeerState state, GetDataMessage getData)
    {
        if (!TryParseIds(state, getData.Txs, out var txIds) || !TryParseIds(state, getData.Blocks, out var blockIds))
        {
            return;
        }

        var missingTxs = new List<string>();
        var missingBlocks = new List<string>();

        // Blocks before transactions: a transaction may spend coins a block in the same request creates, and a
        // peer that got the transaction first would refuse it (insufficient balance) and never ask again.
        foreach (var id in blockIds.Take(MaxBlocksPerGetData))
        {
            var entry = _chain.GetBlock(id);
            if (entry is null)
            {
                missingBlocks.Add(id.ToString());
                continue;
            }

            lock (state.Gate)
            {
                state.KnownBlocks.Add(id);
            }

            if (!state.Connection.TrySend(MessageCodec.Encode(new BlockMessage(Convert.ToBase64String(entry.Block.Encode())))))
            {
                return; // the connection is closing (or was dropped as too slow)
            }
        }

        var batch = new List<string>();
        var batchChars = 0;
        foreach (var id in txIds)
        {
            var tx = _chain.GetMempoolTransaction(id) ?? _chain.FindTransaction(id)?.Tx;
            if (tx is null)
            {
                missingTxs.Add(id.ToString());
                continue;
            }

            var encoded = Convert.ToBase64String(tx.Encode());
            if (batch.Count == TxMessage.MaxTransactions || batchChars + encoded.Length > MaxTxMessageChars)
            {
                Send(state, new TxMessage(batch));
                batch = [];
                batchChars = 0;
            }

            batch.Add(encoded);
            batchChars += encoded.Length;
            lock (state.Gate)
            {
                state.KnownTxs.Add(id);
            }
        }

        if (batch.Count > 0)
        {
            Send(state, new TxMessage(batch));
        }

        if (missingTxs.Count > 0 || missingBlocks.Count > 0)
        {
            Send(state, new NotFoundMessage(missingTxs, missingBlocks));
        }
    }

    private void OnTransactions(PeerState state, TxMessage message)
    {
        foreach (var text in message.Txs)
        {
            var tx = TryDecode(state, text, Transaction.MaxEncodedSize, Transaction.Decode, "transaction");
            if (tx is null)
            {
                return;
            }

            lock (state.Gate)
            {
                state.KnownTxs.Add(tx.Id);
            }

            _txRequests.TryRemove(tx.Id, out _);
            var result = _chain.SubmitTransaction(tx);
            if (IsPunishable(result.Error))
            {
                Misbehaved(state, $"transaction {tx.Id}: {result}");
                return;
            }

            LogTransactionReceived(_logger, tx.Id.ToString(), state.Connection.ToString(), result.ToString());
        }
    }

    private void OnBlock(PeerState state, BlockMessage message)
    {
        var block = TryDecode(state, message.Block, Block.MaxEncodedSize, Block.Decode, "block");
        if (block is not null)
        {
            lock (state.Gate)
            {
                state.RequestedBlocks.Remove(block.Hash);
            }

            SubmitPeerBlock(state, block);
        }
    }

    // Submits a block from a peer; false when the peer was disconnected for it.
    private bool SubmitPeerBlock(PeerState state, Block block)
    {
        lock (state.Gate)
        {
            state.KnownBlocks.Add(block.Hash);
        }

        var result = _chain.SubmitBlock(block);
        switch (result.Status)
        {
            case BlockStatus.Invalid when result.Error != BlockError.TimestampTooFarAhead:
                Misbehaved(state, $"block {block.Hash}: {result.Error}: {result.Message}");
                return false;
            case BlockStatus.Orphan:
                RequestBlocks(state);
                break;
            case BlockStatus.Connected:
                LogBlockAccepted(_logger, block.Height, block.Hash.ToString(), state.Connection.ToString());
                break;
        }

        if (result.Accepted && _chain.GetBlock(block.Hash) is { } entry && entry.CumulativeWork > state.BestWork)
        {
            state.BestWork = entry.CumulativeWork;
        }

        return true;
    }

    private void OnNotFound(PeerState state, NotFoundMessage message)
    {
        if (!TryParseIds(state, message.Txs, out var txIds) || !TryParseIds(state, message.Blocks, out var blockIds))
        {
            return;
        }

        foreach (var id in txIds)
        {
            _txRequests.TryRemove(id, out _);
        }

        lock (state.Gate)
        {
            foreach (var id in blockIds)
            {
                state.RequestedBlocks.Remove(id);
            }
        }
    }

    private bool TryParseIds(PeerState state, IReadOnlyList<string> texts, out List<Hash256> ids)
    {
        ids = new List<Hash256>(texts.Count);
        foreach (var text in texts)
        {
            if (!Hash256.TryParse(text, out var id))
            {
                Misbehaved(state, "an id that is not 64 hexadecimal characters");
                return false;
            }

            ids.Add(id);
        }

        return true;
    }

    private T? TryDecode<T>(PeerState state, string? base64, int maxBytes, Func<ReadOnlySpan<byte>, T> decode, string what)
        where T : class
    {
        if (base64 is null || base64.Length > ((maxBytes + 2) / 3 * 4))
        {
            Misbehaved(state, $"{what} missing or larger than {maxBytes} bytes");
            return null;
        }

        var bytes = new byte[base64.Length / 4 * 3];
        if (!Convert.TryFromBase64String(base64, bytes, out var written))
        {
            Misbehaved(state, $"{what} is not base64");
            return null;
        }

        try
        {
            return decode(bytes.AsSpan(0, written));
        }
        catch (FormatException e)
        {
            Misbehaved(state, $"malformed {what}: {e.Message}");
            return null;
        }
    }

    // Errors only a broken or hostile sender produces; the others (nonce races, spent balance, full pool) happen honestly.
    private static bool IsPunishable(TxError error) => error is TxError.BadSignature or TxError.WrongNetwork
        or TxError.AmountOutOfRange or TxError.FeeOutOfRange or TxError.Oversized or TxError.UnexpectedCoinbase;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transaction {Id} from {Peer}: {Result}")]
    private static partial void LogTransactionReceived(ILogger logger, string id, string peer, string result);

    [LoggerMessage(Level = LogLevel.Information, Message = "Block {Height} {Hash} from {Peer} connected")]
    private static partial void LogBlockAccepted(ILogger logger, uint height, string hash, string peer);
}
