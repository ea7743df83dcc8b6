using System.Threading.Channels;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Network.Messages;
using Chain.Network.Peers;
using Microsoft.Extensions.Logging;

namespace Chain.Network.Protocol;

public sealed partial class NodeProtocol
{
    /// <summary>New best-chain blocks waiting to be pushed; when full the oldest is dropped (peers then learn it from its successors).</summary>
    public const int MaxQueuedBlockPushes = 64;

    private readonly Channel<Block> _blockPushes = Channel.CreateBounded<Block>(
        new BoundedChannelOptions(MaxQueuedBlockPushes) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    // The last block message received in canonical form (BlockMessageCodec), for PushBlock to send on unchanged.
    private ReceivedBlockPayload? _receivedBlockPayload;

    // Pushes each new best-chain block, as soon as it connects, to every peer not known to have it: no announce
    // timer and no inv/getdata round trip, and a peer holding the transactions needs nothing more.
    private async Task BlockPushLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var block in _blockPushes.Reader.ReadAllAsync(stoppingToken))
            {
                PushBlock(block);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Sends <paramref name="block"/> to each peer not known to have it: as a <c>cmpctblock</c>, or whole as a
    /// <c>block</c> to a peer known to lack more than half of its transactions (which would otherwise have to ask
    /// for them with <c>getblocktxn</c>, a round trip per hop for a block of new transactions). A block that arrived
    /// as a canonical <c>block</c> message goes on as the bytes received.
    /// </summary>
    internal void PushBlock(Block block)
    {
        byte[]? compact = null;
        ReadOnlyMemory<byte>? full = null;
        foreach (var state in _states.Values)
        {
            bool isNew;
            var whole = false;
            lock (state.Gate)
            {
                isNew = state.KnownBlocks.Add(block.Hash);
                if (isNew)
                {
                    whole = LacksMostTransactions(state, block);
                    if (whole)
                    {
                        foreach (var tx in block.Transactions.Skip(1))
                        {
                            state.KnownTxs.Add(tx.Id);
                        }
                    }
                }
            }

            if (!isNew)
            {
                continue;
            }

            if (whole)
            {
                full ??= TakeReceivedPayload(block) ?? MessageCodec.Encode(new BlockMessage(block.Encode()));
                state.Connection.TrySend(full.Value);
                NetworkMetrics.BlocksRelayed.Add(1);
            }
            else
            {
                compact ??= MessageCodec.Encode(ToCompact(block));
                state.Connection.TrySend(compact);
                NetworkMetrics.BlocksRelayed.Add(1);
            }
        }
    }

    // The block message this very block object arrived in, if it was canonical; each is used for one push and then
    // let go. Same object, not same hash: the hash does not cover every byte (signatures), so a tampered copy with
    // the honest block's hash, refused from one peer, must never go out when the honest one connects from another.
    private ReadOnlyMemory<byte>? TakeReceivedPayload(Block block)
    {
        var received = Volatile.Read(ref _receivedBlockPayload);
        if (received is null || !ReferenceEquals(received.Block, block))
        {
            return null;
        }

        Interlocked.CompareExchange(ref _receivedBlockPayload, null, received);
        return received.Payload;
    }

    // Under state.Gate.
    private static bool LacksMostTransactions(PeerState state, Block block)
    {
        var txs = block.Transactions;
        var lacking = 0;
        for (var i = 1; i < txs.Count; i++)
        {
            if (!state.KnownTxs.Contains(txs[i].Id) && ++lacking * 2 > txs.Count - 1)
            {
                return true;
            }
        }

        return false;
    }

    internal static CompactBlockMessage ToCompact(Block block) => new(
        block.Header.Encode(),
        block.Transactions[0].Encode(),
        [.. block.Transactions.Skip(1).Select(tx => tx.Id.ToString())]);

    private void OnCompactBlock(PeerState state, CompactBlockMessage message)
    {
        NetworkMetrics.BlocksReceived.Add(1);
        var header = TryDecode(state, message.Header, _chain.Engine.MaxHeaderSize, BlockHeader.Decode, "block header");
        var coinbase = header is null ? null : TryDecode(state, message.Coinbase, Transaction.MaxEncodedSize, Transaction.Decode, "coinbase");
        if (header is null || coinbase is null || !TryParseIds(state, message.Txs, out var ids))
        {
            return;
        }

        lock (state.Gate)
        {
            state.KnownBlocks.Add(header.Hash);
            foreach (var id in ids)
            {
                state.KnownTxs.Add(id);
            }
        }

        if (_chain.KnowsBlock(header.Hash))
        {
            return;
        }

        // The header first, before any mempool lookup or getblocktxn: its proof of work (a failure is misbehaviour,
        // as for a block), and its parent (unknown: ask for the missing blocks instead, as for an orphan).
        if (CheckCompactHeader(state, header) is null)
        {
            return;
        }

        var txs = new Transaction?[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            txs[i] = _chain.GetMempoolTransaction(ids[i]);
        }

        var partial = new PartialBlock(header, coinbase, ids, txs);
        if (partial.TryBuild() is { } block)
        {
            LogCompactBlockRebuilt(_logger, header.Hash.ToString(), ids.Count, state.Connection.ToString());
            SubmitPeerBlock(state, block, requestMissing: true);
            return;
        }

        // One compact block per peer is rebuilt at a time: a newer one replaces it (its blocktxn is then ignored).
        state.PendingCompactBlock = partial;
        Send(state, new GetBlockTxnMessage(header.Hash.ToString(), [.. partial.Missing().Select(id => id.ToString())]));
    }

    // The header's parent when the header may be rebuilt into a block; null when it may not (the peer was punished,
    // or the parent is unknown and a getblocks went out).
    private BlockIndex? CheckCompactHeader(PeerState state, BlockHeader header)
    {
        if (_chain.Engine.CheckSeal(header) is { IsValid: false } seal)
        {
            Misbehaved(state, $"compact block {header.Hash}: {seal.Error}: {seal.Message}");
            return null;
        }

        var parent = _chain.GetBlock(header.PreviousHash);
        if (parent is null)
        {
            RequestBlocks(state);
            return null;
        }

        if (header.Height != parent.Height + 1 || !_chain.Engine.CheckDifficulty(header, parent).IsValid)
        {
            Misbehaved(state, $"compact block {header.Hash}: {BlockError.WrongDifficulty} or {BlockError.BadHeight} for its parent");
            return null;
        }

        return parent;
    }

    private void OnGetBlockTxn(PeerState state, GetBlockTxnMessage message)
    {
        if (!TryParseIds(state, [message.Block], out var hashes) || !TryParseIds(state, message.Txs, out var ids))
        {
            return;
        }

        var entry = _chain.GetBlock(hashes[0]);
        if (entry is null)
        {
            Send(state, new NotFoundMessage([], [message.Block]));
            return;
        }

        // In block order; ids the block does not hold are left out (the asker then falls back to the full block).
        var wanted = ids.ToHashSet();
        var found = entry.Block.Transactions.Skip(1).Where(tx => wanted.Contains(tx.Id)).ToList();
        lock (state.Gate)
        {
            found.ForEach(tx => state.KnownTxs.Add(tx.Id));
        }

        Send(state, new BlockTxnMessage(message.Block, [.. found.Select(tx => tx.Encode())]));
    }

    private void OnBlockTxn(PeerState state, BlockTxnMessage message)
    {
        if (!TryParseIds(state, [message.Block], out var hashes))
        {
            return;
        }

        var partial = state.PendingCompactBlock;
        if (partial is null || partial.Header.Hash != hashes[0])
        {
            return; // unsolicited, or superseded by a newer compact block
        }

        state.PendingCompactBlock = null;
        var positions = new Dictionary<Hash256, int>();
        for (var i = 0; i < partial.Ids.Count; i++)
        {
            if (partial.Txs[i] is null)
            {
                positions.TryAdd(partial.Ids[i], i);
            }
        }

        foreach (var bytes in message.Txs)
        {
            var tx = TryDecode(state, bytes, Transaction.MaxEncodedSize, Transaction.Decode, "transaction");
            if (tx is null)
            {
                return;
            }

            if (positions.TryGetValue(tx.Id, out var position))
            {
                partial.Txs[position] = tx;
            }
        }

        if (partial.TryBuild() is { } block)
        {
            SubmitPeerBlock(state, block, requestMissing: true);
            return;
        }

        // The peer did not send all it was asked for: fall back to the full block.
        RequestFullBlock(state, partial.Header.Hash);
    }

    private void RequestFullBlock(PeerState state, Hash256 hash)
    {
        if (_chain.KnowsBlock(hash) || !TryClaimBlockRequest(state, hash))
        {
            return;
        }

        Send(state, new GetDataMessage([], [hash.ToString()]));
    }

    // A notfound for the compact block being rebuilt (the peer no longer has it) ends that rebuild.
    private static void ForgetPendingCompactBlock(PeerState state, List<Hash256> blockIds)
    {
        if (state.PendingCompactBlock is { } partial && blockIds.Contains(partial.Header.Hash))
        {
            state.PendingCompactBlock = null;
        }
    }

    // Block: the object decoded from Payload, the one the ledger connects (BlockIndex.Block) when it is valid.
    private sealed record ReceivedBlockPayload(Block Block, ReadOnlyMemory<byte> Payload);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Compact block {Hash} rebuilt from the mempool ({Count} transactions) from {Peer}")]
    private static partial void LogCompactBlockRebuilt(ILogger logger, string hash, int count, string peer);
}
