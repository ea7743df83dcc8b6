using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Network.Messages;
using Chain.Network.Peers;
using Microsoft.Extensions.Logging;

namespace Chain.Network.Protocol;

public sealed partial class NodeProtocol
{
    /// <summary>Base64 characters of transactions put into one <c>tx</c> message.</summary>
    public const int MaxTxMessageChars = 3 * 1024 * 1024;

    /// <summary>Blocks served for one <c>getdata</c>; a peer asking for more gets the first ones.</summary>
    public const int MaxBlocksPerGetData = 500;

    /// <summary>
    /// Base64 characters of transactions and blocks sent in answer to one <c>getdata</c>; what does not fit is
    /// answered with <c>notfound</c>. Keeps one answer well inside the peer's send queue
    /// (<see cref="Peers.PeerManagerOptions.MaxQueuedBytes"/>), which would otherwise overflow and drop the asker.
    /// </summary>
    public const int MaxGetDataReplyChars = 12 * 1024 * 1024;

    /// <summary>Blocks that may be requested by <c>getdata</c> from one peer at once; block announcements beyond it are ignored.</summary>
    public const int MaxBlockRequestsPerPeer = 16;

    /// <summary>
    /// Transactions that may be requested from one peer at once, and, apart from those, transactions for which one
    /// peer may be remembered as a later announcer; announcements beyond either are ignored.
    /// </summary>
    public const int MaxTxRequestsPerPeer = GetDataMessage.MaxIds;

    /// <summary>Most transactions in a flush that are pushed whole rather than announced by id.</summary>
    public const int MaxPushedTransactions = 16;

    /// <summary>How often lapsed transaction requests are retried from other announcers.</summary>
    public static readonly TimeSpan RequestSweepInterval = TimeSpan.FromSeconds(1);

    private void OnTransactionAdded(Transaction tx)
    {
        _txAnnouncements.Enqueue(tx.Id);
        _announceSignal.Writer.TryWrite(true);
    }

    private void OnTipChanged(ChainUpdate update)
    {
        // Transactions of disconnected blocks go back to the mempool without a TransactionAdded event: announce
        // them again (the flush keeps only those that really are pending), or the winning side never sees them.
        foreach (var block in update.Disconnected)
        {
            foreach (var tx in block.Transactions.Skip(1))
            {
                _txAnnouncements.Enqueue(tx.Id);
            }
        }

        var connected = update.Connected;
        if (connected.Count <= MaxBlocksAnnouncedPerUpdate)
        {
            foreach (var block in connected)
            {
                _blockPushes.Writer.TryWrite(block);
            }
        }
        else
        {
            _blockAnnouncements.Enqueue(update.Tip.Hash);
        }

        _announceSignal.Writer.TryWrite(true);
    }

    // Flushes as soon as something is queued after a quiet spell (a lone transaction goes out at once), then at
    // most once per AnnounceInterval, so what arrives meanwhile (a burst) goes out in one batch.
    private async Task AnnounceLoopAsync(CancellationToken stoppingToken)
    {
        var sweeper = SweepLoopAsync(stoppingToken);
        try
        {
            while (await _announceSignal.Reader.WaitToReadAsync(stoppingToken))
            {
                _announceSignal.Reader.TryRead(out _);
                FlushAnnouncements();
                await Task.Delay(AnnounceInterval, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await sweeper;
    }

    private async Task SweepLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RequestSweepInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                RetryLapsedTxRequests();
                ExpireBlockRequests();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Sends every queued announcement to each peer not known to have it. A flush of at most
    /// <see cref="MaxPushedTransactions"/> transactions sends the transactions themselves in one <c>tx</c>
    /// message, saving the <c>getdata</c> and <c>tx</c> round trip; larger flushes announce by <c>inv</c>.
    /// </summary>
    internal void FlushAnnouncements()
    {
        // With no peer to tell, what is queued is dropped as it is: looking every id up in the mempool (the ledger's
        // lock, once each) and encoding the transactions was work for nobody, on every sendraw of a lone node.
        if (_states.IsEmpty)
        {
            _txAnnouncements.Clear();
            _blockAnnouncements.Clear();
            return;
        }

        var txs = new List<Transaction>();
        var seen = new HashSet<Hash256>();
        foreach (var id in Drain(_txAnnouncements))
        {
            if (seen.Add(id) && _chain.GetMempoolTransaction(id) is { } tx)
            {
                txs.Add(tx);
            }
        }

        var blocks = Drain(_blockAnnouncements);
        if (txs.Count == 0 && blocks.Count == 0)
        {
            return;
        }

        var push = txs.Count <= MaxPushedTransactions;
        var encoded = push ? txs.ConvertAll(tx => tx.Encode()) : [];
        foreach (var state in _states.Values)
        {
            var newTxs = new List<string>();
            var newEncoded = new List<byte[]>();
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

                for (var i = 0; i < txs.Count; i++)
                {
                    if (state.KnownTxs.Add(txs[i].Id))
                    {
                        if (push)
                        {
                            newEncoded.Add(encoded[i]);
                        }
                        else
                        {
                            newTxs.Add(txs[i].Id.ToString());
                        }
                    }
                }
            }

            if (push)
            {
                SendInv(state, [], newBlocks);
                if (newEncoded.Count > 0)
                {
                    Send(state, new TxMessage(newEncoded));
                }
            }
            else
            {
                SendInv(state, newTxs, newBlocks);
            }
        }
    }

    // Announces in as few inv messages as the id cap allows; blocks go in the first.
    private void SendInv(PeerState state, List<string> txs, List<string> blocks)
    {
        NetworkMetrics.TransactionsRelayed.Add(txs.Count);
        NetworkMetrics.BlocksRelayed.Add(blocks.Count);
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

        var wantTxs = ClaimTxRequests(state, txIds.Where(id => !_chain.KnowsTransaction(id)).ToList());
        foreach (var id in blockIds)
        {
            if (!_chain.KnowsBlock(id) && TryClaimBlockRequest(state, id))
            {
                wantBlocks.Add(id.ToString());
            }
        }

        if (wantTxs.Count > 0 || wantBlocks.Count > 0)
        {
            Send(state, new GetDataMessage(wantTxs, wantBlocks));
        }
    }

    // At most MaxBlockRequestsPerPeer blocks are outstanding from one peer (lapsed requests make room); an id
    // already asked of this peer is not asked again. Announcements beyond are ignored: an honest peer announces
    // blocks one or a few at a time, and what is missed still arrives by compact block, sync or orphan recovery.
    private bool TryClaimBlockRequest(PeerState state, Hash256 id)
    {
        var now = _time.GetTimestamp();
        lock (state.Gate)
        {
            if (state.RequestedBlocks.Count >= MaxBlockRequestsPerPeer)
            {
                ExpireBlockRequests(state, now);
            }

            return state.RequestedBlocks.Count < MaxBlockRequestsPerPeer && state.RequestedBlocks.TryAdd(id, now);
        }
    }

    // Under state.Gate.
    private void ExpireBlockRequests(PeerState state, long now)
    {
        foreach (var (id, askedAt) in state.RequestedBlocks)
        {
            if (_time.GetElapsedTime(askedAt, now) >= RequestTimeout)
            {
                state.RequestedBlocks.Remove(id);
            }
        }
    }

    // One outstanding request per transaction across all peers. A transaction already requested elsewhere
    // remembers this peer as an alternative, asked if the first peer answers notfound, disconnects or lapses.
    private List<string> ClaimTxRequests(PeerState state, List<Hash256> unknown)
    {
        var now = _time.GetTimestamp();
        var want = new List<string>();
        lock (_requestGate)
        {
            foreach (var id in unknown)
            {
                if (_txRequests.TryGetValue(id, out var request))
                {
                    // Every announcer is remembered (each once): a cap per transaction let silent announcers crowd
                    // out an honest one. What bounds the memory is the cap per peer.
                    if (request.Asked != state && state.TxAlternatives < MaxTxRequestsPerPeer && !request.Alternatives.Contains(state))
                    {
                        request.AddAlternative(state);
                        state.TxAlternatives++;
                    }

                    continue;
                }

                if (state.TxRequestsInFlight >= MaxTxRequestsPerPeer)
                {
                    continue;
                }

                _txRequests[id] = new TxRequest(state, now);
                state.TxRequestsInFlight++;
                want.Add(id.ToString());
            }
        }

        return want;
    }

    // The transaction arrived (or the asked peer said notfound, or left): forget the request, or pass it on.
    private void ReleaseTxRequests(PeerState from, IEnumerable<Hash256> ids, bool retry)
    {
        var retries = new List<(PeerState Peer, Hash256 Id)>();
        lock (_requestGate)
        {
            foreach (var id in ids)
            {
                if (_txRequests.TryGetValue(id, out var request) && (request.Asked == from || !retry))
                {
                    Reassign(id, request, retry, _time.GetTimestamp(), retries);
                }
            }
        }

        SendRetries(retries);
    }

    // Called from the announce loop: requests unanswered for RequestTimeout go to the next announcer, or lapse.
    internal void RetryLapsedTxRequests()
    {
        var now = _time.GetTimestamp();
        var retries = new List<(PeerState Peer, Hash256 Id)>();
        lock (_requestGate)
        {
            foreach (var (id, request) in _txRequests.ToList())
            {
                if (_time.GetElapsedTime(request.AskedAt, now) >= RequestTimeout)
                {
                    Reassign(id, request, retry: true, now, retries);
                }
            }
        }

        SendRetries(retries);
    }

    // Called from the sweep: block requests unanswered for RequestTimeout lapse (the set never outgrows the cap).
    internal void ExpireBlockRequests()
    {
        var now = _time.GetTimestamp();
        foreach (var state in _states.Values)
        {
            lock (state.Gate)
            {
                ExpireBlockRequests(state, now);
            }
        }
    }

    // A peer left: its outstanding requests go to their next announcers, and it is no one's alternative any more.
    private void ForgetTxRequests(PeerState state)
    {
        var now = _time.GetTimestamp();
        var retries = new List<(PeerState Peer, Hash256 Id)>();
        lock (_requestGate)
        {
            foreach (var (id, request) in _txRequests.ToList())
            {
                if (request.Alternatives.Remove(state))
                {
                    state.TxAlternatives--;
                }

                if (request.Asked == state)
                {
                    Reassign(id, request, retry: true, now, retries);
                }
            }
        }

        SendRetries(retries);
    }

    // Under _requestGate.
    private void Reassign(Hash256 id, TxRequest request, bool retry, long now, List<(PeerState Peer, Hash256 Id)> retries)
    {
        request.Asked.TxRequestsInFlight--;
        while (retry && request.Alternatives.Count > 0)
        {
            var next = request.Alternatives[0];
            request.Alternatives.RemoveAt(0);
            next.TxAlternatives--;
            if (next.Connection.IsConnected && _states.ContainsKey(next.Connection) && next.TxRequestsInFlight < MaxTxRequestsPerPeer)
            {
                request.Asked = next;
                request.AskedAt = now;
                next.TxRequestsInFlight++;
                retries.Add((next, id));
                return;
            }
        }

        foreach (var alternative in request.Alternatives)
        {
            alternative.TxAlternatives--;
        }

        _txRequests.Remove(id);
    }

    private void SendRetries(List<(PeerState Peer, Hash256 Id)> retries)
    {
        foreach (var group in retries.GroupBy(r => r.Peer))
        {
            Send(group.Key, new GetDataMessage([.. group.Select(r => r.Id.ToString())], []));
        }
    }

    private void OnGetData(PeerState state, GetDataMessage getData)
    {
        if (!TryParseIds(state, getData.Txs, out var txIds) || !TryParseIds(state, getData.Blocks, out var blockIds))
        {
            return;
        }

        // Each id is answered once however often it is asked for (500 copies of one block id were 500 encodings).
        txIds = Distinct(txIds);
        blockIds = Distinct(blockIds);
        var missingTxs = new List<string>();
        var missingBlocks = new List<string>();
        var replyChars = 0L;
        var full = false;

        // Blocks before transactions: a transaction may spend coins a block in the same request creates, and a
        // peer that got the transaction first would refuse it (insufficient balance) and never ask again.
        // The budget is checked on each block's encoding (read once, from disk as stored for an old block, never
        // decoded here); once it is spent, the rest is notfound without even a lookup.
        for (var index = 0; index < blockIds.Count; index++)
        {
            var id = blockIds[index];
            var entry = full || index >= MaxBlocksPerGetData ? null : _chain.GetBlock(id);
            var encoded = entry?.EncodeBlock();
            var chars = encoded is null ? 0 : Base64Length(encoded.Length);
            if (encoded is null || (replyChars > 0 && replyChars + chars > MaxGetDataReplyChars))
            {
                full |= encoded is not null;
                missingBlocks.Add(id.ToString());
                continue;
            }

            replyChars += chars;
            lock (state.Gate)
            {
                state.KnownBlocks.Add(id);
            }

            if (!state.Connection.TrySend(MessageCodec.Encode(new BlockMessage(encoded))))
            {
                return; // the connection is closing (or was dropped as too slow)
            }
        }

        // Batches are written straight from the transactions (TxMessageCodec), the same bytes as a TxMessage of
        // their encodings.
        var batch = new List<Transaction>();
        var batchChars = 0;
        foreach (var id in txIds)
        {
            var tx = full ? null : _chain.GetMempoolTransaction(id) ?? _chain.FindTransaction(id)?.Tx;
            var chars = tx is null ? 0 : Base64Length(tx.EncodedSize);
            if (tx is null || replyChars + chars > MaxGetDataReplyChars)
            {
                full |= tx is not null;
                missingTxs.Add(id.ToString());
                continue;
            }

            if (batch.Count == TxMessage.MaxTransactions || batchChars + chars > MaxTxMessageChars)
            {
                state.Connection.TrySend(TxMessageCodec.Encode(batch));
                batch = [];
                batchChars = 0;
            }

            batch.Add(tx);
            batchChars += chars;
            replyChars += chars;
            lock (state.Gate)
            {
                state.KnownTxs.Add(id);
            }
        }

        if (batch.Count > 0)
        {
            state.Connection.TrySend(TxMessageCodec.Encode(batch));
        }

        if (missingTxs.Count > 0 || missingBlocks.Count > 0)
        {
            Send(state, new NotFoundMessage(missingTxs, missingBlocks));
        }
    }

    // Decodes the whole message, verifies its signatures in parallel (Blockchain.SubmitTransactions), then handles
    // the results in order. Transactions before an undecodable one are still taken, as if it had been sent alone.
    private void OnTransactions(PeerState state, TxMessage message)
    {
        var txs = new List<Transaction>(message.Txs.Count);
        var malformed = false;
        foreach (var bytes in message.Txs)
        {
            var tx = TryDecode(state, bytes, Transaction.MaxEncodedSize, Transaction.Decode, "transaction");
            if (tx is null)
            {
                malformed = true; // already disconnected and discouraged
                break;
            }

            txs.Add(tx);
        }

        NetworkMetrics.TransactionsReceived.Add(txs.Count);
        if (txs.Count == 0)
        {
            return;
        }

        lock (state.Gate)
        {
            foreach (var tx in txs)
            {
                state.KnownTxs.Add(tx.Id);
            }
        }

        ReleaseTxRequests(state, txs.ConvertAll(tx => tx.Id), retry: false);
        var results = _chain.SubmitTransactions(txs);
        var accepted = new List<Transaction>();
        for (var i = 0; i < txs.Count; i++)
        {
            if (!malformed && IsPunishable(results[i].Error))
            {
                Misbehaved(state, $"transaction {txs[i].Id}: {results[i]}");
                return;
            }

            if (results[i].IsValid)
            {
                accepted.Add(txs[i]);
            }
            else if (results[i].Error == TxError.NonceTooHigh)
            {
                _orphanTxs.Add(txs[i]); // its signature verified: only the previous nonce is missing
            }

            if (_logger.IsEnabled(LogLevel.Debug))
            {
                LogTransactionReceived(_logger, txs[i].Id.ToString(), state.Connection.ToString(), results[i].ToString());
            }
        }

        if (accepted.Count > 0)
        {
            state.Connection.NoteUsefulTransaction(); // protects the peer from inbound eviction (PeerManager)
        }

        RetryOrphanTransactions(accepted);
    }

    // Each accepted transaction may be the previous nonce an orphan waited for: submit those, and so on down the line.
    private void RetryOrphanTransactions(List<Transaction> accepted)
    {
        while (accepted.Count > 0 && _orphanTxs.Count > 0)
        {
            var next = new List<Transaction>();
            foreach (var tx in accepted)
            {
                if (_orphanTxs.Take(tx.Sender, tx.Nonce + 1) is { } orphan)
                {
                    next.Add(orphan);
                }
            }

            var results = next.Count == 0 ? [] : _chain.SubmitTransactions(next);
            accepted = [.. next.Where((_, i) => results[i].IsValid)];
        }
    }

    // encoded: the block's bytes, not kept beyond this call. canonicalPayload: the message as received when it is
    // exactly BlockMessageCodec.Encode(encoded), else null.
    private void OnBlock(PeerState state, ReadOnlyMemory<byte> encoded, ReadOnlyMemory<byte>? canonicalPayload)
    {
        NetworkMetrics.BlocksReceived.Add(1);
        if (encoded.Length > Block.MaxEncodedSize)
        {
            Misbehaved(state, $"block missing or larger than {Block.MaxEncodedSize} bytes");
            return;
        }

        Block block;
        try
        {
            block = Block.DecodeParallel(encoded);
        }
        catch (FormatException e)
        {
            Misbehaved(state, $"malformed block: {e.Message}");
            return;
        }

        lock (state.Gate)
        {
            state.RequestedBlocks.Remove(block.Hash);
        }

        if (canonicalPayload is { } payload)
        {
            // Kept so that, once validated and connected, the block goes on to peers lacking its transactions as
            // these very bytes, without encoding it again.
            Volatile.Write(ref _receivedBlockPayload, new ReceivedBlockPayload(block, payload));
        }

        SubmitPeerBlock(state, block, requestMissing: true);
    }

    // Submits a block from a peer. An orphan (new, or already held) means we lack its ancestors: ask this
    // peer for them unless the caller (a sync batch) decides what to ask next itself.
    private PeerBlockOutcome SubmitPeerBlock(PeerState state, Block block, bool requestMissing)
    {
        lock (state.Gate)
        {
            state.KnownBlocks.Add(block.Hash);
        }

        var result = _chain.SubmitBlock(block, state.Connection.NodeId);
        if (result.Status == BlockStatus.Invalid)
        {
            if (result.Error == BlockError.TimestampTooFarAhead)
            {
                // Our clock may be the wrong one: refuse the block for now without blaming the peer.
                LogBlockDeferred(_logger, block.Hash.ToString(), state.Connection.ToString(), result.Message);
                return PeerBlockOutcome.Deferred;
            }

            Misbehaved(state, $"block {block.Hash}: {result.Error}: {result.Message}");
            return PeerBlockOutcome.Punished;
        }

        var entry = _chain.GetBlock(block.Hash);
        if (entry is null)
        {
            // Held as an orphan (just now or before): its parent is missing.
            if (requestMissing)
            {
                RequestBlocks(state);
            }

            return PeerBlockOutcome.Taken;
        }

        if (result.Status == BlockStatus.Connected)
        {
            state.Connection.NoteUsefulBlock(); // protects the peer from inbound eviction (PeerManager)
            LogBlockAccepted(_logger, block.Height, block.Hash.ToString(), state.Connection.ToString());

            // A held out-of-order transaction may have been waiting for a nonce this block confirms.
            RetryOrphanTransactions([.. result.Connected.SelectMany(b => b.Transactions).Where(t => !t.IsCoinbase)]);
        }

        // The peer has this block, duplicate or not: its best work is at least the block's.
        if (entry.CumulativeWork > state.BestWork)
        {
            state.BestWork = entry.CumulativeWork;
        }

        return PeerBlockOutcome.Taken;
    }

    private void OnNotFound(PeerState state, NotFoundMessage message)
    {
        if (!TryParseIds(state, message.Txs, out var txIds) || !TryParseIds(state, message.Blocks, out var blockIds))
        {
            return;
        }

        ReleaseTxRequests(state, txIds, retry: true);
        ForgetPendingCompactBlock(state, blockIds);
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
            if (!LowerHex.TryParseHash(text, out var id))
            {
                Misbehaved(state, "an id that is not 64 lower-case hexadecimal characters");
                return false;
            }

            ids.Add(id);
        }

        return true;
    }

    // The ids in their first order, each once.
    private static List<Hash256> Distinct(List<Hash256> ids)
    {
        var seen = new HashSet<Hash256>(ids.Count);
        return ids.FindAll(seen.Add);
    }


    private static int Base64Length(int bytes) => (bytes + 2) / 3 * 4;

    // The JSON layer already turned the base64 into bytes (a string that is not base64 fails the whole message).
    private T? TryDecode<T>(PeerState state, byte[]? bytes, int maxBytes, Func<ReadOnlySpan<byte>, T> decode, string what)
        where T : class
    {
        if (bytes is null || bytes.Length > maxBytes)
        {
            Misbehaved(state, $"{what} missing or larger than {maxBytes} bytes");
            return null;
        }

        try
        {
            return decode(bytes);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Block {Hash} from {Peer} deferred: {Reason}")]
    private static partial void LogBlockDeferred(ILogger logger, string hash, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Block {Height} {Hash} from {Peer} connected")]
    private static partial void LogBlockAccepted(ILogger logger, uint height, string hash, string peer);
}
