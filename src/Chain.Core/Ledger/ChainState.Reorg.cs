using Chain.Core.Crypto;
using Chain.Core.Persistence;

namespace Chain.Core.Ledger;

public sealed partial class ChainState
{
    // Makes newTip the best chain's tip. On a block that fails state validation, marks it and its
    // descendants invalid, restores the previous best chain and, if the valid part of the new branch still
    // has more work, moves to that. Returns the failure, or null when newTip was connected. prepared, when
    // given, is newTip's state changes, used only if the tip is still the one they were computed against.
    // newTip goes to the archive (_onStored) once its state checks pass, before its changes are applied. If the
    // archive or the chain state store throws at any step (a disconnect, a connect, marking a branch invalid), the
    // previous best chain is put back and the exception goes on; should putting it back fail too, the chain stays
    // where its last written batch left it (memory never runs ahead of the store), which Blockchain then reports, and
    // is marked off its best chain (_offBestChain) until ReturnToBestChain succeeds.
    private (BlockIndex Failed, BlockError Error, string Message)? Reorganize(BlockIndex newTip, StateChanges? prepared = null)
    {
        var oldTip = Tip;
        var fork = FindCommonAncestor(oldTip, newTip);
        var newPath = PathFrom(fork, newTip);
        var oldPath = PathFrom(fork, oldTip);
        try
        {
            while (Tip != fork)
            {
                DisconnectTip();
            }

            foreach (var entry in newPath)
            {
                var (error, message) = ConnectTip(entry, prepared is { } p && p.Base == Tip && p.Block.Hash == entry.Hash ? p : null);
                if (error == BlockError.None)
                {
                    continue;
                }

                // oldTip is the best chain when a block is added (Add returns to it first): unless the valid part of the
                // new branch has more work, nothing does, so it is put back. Called from ActivateBestChain, oldTip may be
                // lighter than another branch, which that loop's next pass moves to.
                MarkInvalid(entry);
                if (!IsBetter(Tip, oldTip))
                {
                    RestoreOrMarkOff(fork, oldPath);
                }

                return (entry, error, message);
            }
        }
        catch
        {
            RestoreOrMarkOff(fork, oldPath);
            throw;
        }

        return null;
    }

    // Restore; when that fails too (the store still failing), the tip is left where the last written batch put it, which
    // may have less work than a valid branch of the tree: recorded, so the next Add or ReturnToBestChain moves to it.
    private void RestoreOrMarkOff(BlockIndex fork, List<BlockIndex> oldPath)
    {
        try
        {
            Restore(fork, oldPath);
        }
        catch
        {
            _offBestChain = true;
            throw;
        }
    }

    // Puts the best chain back to fork followed by oldPath (blocks that were connected before, so they connect again):
    // disconnects down to the last block on that path (fork at worst), then connects the rest of it.
    private void Restore(BlockIndex fork, List<BlockIndex> oldPath)
    {
        while (Tip != fork && !IsOnPath(fork, oldPath, Tip))
        {
            DisconnectTip();
        }

        foreach (var old in oldPath.Skip((int)(Tip.Height - fork.Height)))
        {
            var (oldError, oldMessage) = ConnectTip(old);
            if (oldError != BlockError.None)
            {
                throw new InvalidOperationException($"Reconnecting the previous best chain failed at {old}: {oldMessage}");
            }
        }
    }

    // Whether entry is one of path's blocks (path runs from fork's child up).
    private static bool IsOnPath(BlockIndex fork, List<BlockIndex> path, BlockIndex entry) =>
        entry.Height > fork.Height && entry.Height - fork.Height <= (uint)path.Count && path[(int)(entry.Height - fork.Height - 1)] == entry;

    private static List<BlockIndex> PathFrom(BlockIndex fork, BlockIndex tip)
    {
        var path = new List<BlockIndex>();
        for (var e = tip; e != fork; e = e.Parent!)
        {
            path.Add(e);
        }

        path.Reverse();
        return path;
    }

    // Connects entry on the tip: one batch to the chain state store (accounts, undo, tip, transaction and address
    // indexes, and the block index entry of a block not stored before, which goes to the archive first), then the
    // same changes in memory (the account cache, the best chain). The undo record holds each account's state before
    // the block as the state changes read it at this tip (prepared only counts when computed on it).
    private (BlockError, string) ConnectTip(BlockIndex entry, StateChanges? prepared = null)
    {
        var block = prepared?.Block ?? entry.Block;
        var (_, _, error, message, changes) = prepared ?? ComputeStateChanges(block);
        if (error != BlockError.None)
        {
            return (error, message);
        }

        var batch = new WriteBatch();
        if (!entry.IsIndexed)
        {
            Persist(entry, block, batch);
        }

        var undo = new List<(Address, AccountState?)>(changes.Count);
        foreach (var (address, change) in changes)
        {
            undo.Add((address, change.Before));
            ChainStateStore.PutAccount(batch, address, change.After);
        }

        ChainStateStore.PutUndo(batch, entry.Hash, undo);
        ChainStateStore.PutTip(batch, entry);
        ChainStateStore.PutBlockTransactions(batch, entry, block, remove: false);
        _store.Store.Write(batch);

        // Only now that the store holds the block's changes does the cache take them (it never runs ahead of the store).
        foreach (var (address, change) in changes)
        {
            _accounts.Set(address, change.After);
        }

        foreach (var tx in block.Transactions)
        {
            _signatures.Remove(tx.Id);
        }

        _active.Add(entry);
        return (BlockError.None, string.Empty);
    }

    // Disconnects the tip: one batch to the chain state store putting back what its undo record names, then the same
    // in memory.
    private void DisconnectTip()
    {
        var entry = Tip;
        if (entry.Parent is null)
        {
            throw new InvalidOperationException("The genesis block cannot be disconnected.");
        }

        var undo = _store.ReadUndo(entry.Hash)
            ?? throw new ChainStateStoreException($"the chain state store has no undo record for its tip {entry}; start with --reindex");
        var batch = new WriteBatch();
        foreach (var (address, before) in undo)
        {
            ChainStateStore.PutAccount(batch, address, before);
        }

        ChainStateStore.PutUndo(batch, entry.Hash, null);
        ChainStateStore.PutTip(batch, entry.Parent);
        ChainStateStore.PutBlockTransactions(batch, entry, entry.Block, remove: true);
        _store.Store.Write(batch);

        foreach (var (address, before) in undo)
        {
            _accounts.Set(address, before);
        }

        _active.RemoveAt(_active.Count - 1);
    }

    // Marks entry and every descendant in the tree invalid (rare: a scan is fine).
    private void MarkInvalid(BlockIndex entry)
    {
        var marked = new List<BlockIndex> { entry };
        entry.IsInvalid = true;
        foreach (var candidate in _index.Values)
        {
            for (var e = candidate.Parent; e is not null && e.Height >= entry.Height; e = e.Parent)
            {
                if (e == entry)
                {
                    candidate.IsInvalid = true;
                    marked.Add(candidate);
                    break;
                }
            }
        }

        // Recorded, so a restart does not try the branch again.
        var batch = new WriteBatch();
        foreach (var invalid in marked.Where(e => e.IsIndexed))
        {
            ChainStateStore.PutIndexEntry(batch, invalid, recordLength: null);
        }

        if (batch.Count > 0)
        {
            _store.Store.Write(batch);
        }
    }
}
