using Chain.Core.Persistence;

namespace Chain.Core.Ledger;

public sealed partial class ChainState
{
    /// <summary>How many blocks of the best chain, from the tip down, a start from the store reads back from the block file.</summary>
    public const int BlocksCheckedAtStart = 6;

    // Loads the state the store holds, trusting it as the node's own work (no block is validated again): the block tree
    // from the block index and the best chain from the tip marker; no account is read here (the AccountCache reads each
    // when first needed). Cheap checks only: the store is this network's and format's, every entry's parent is known,
    // the tip is in the index with its height, and the block file holds the last BlocksCheckedAtStart blocks of the best
    // chain intact where the index says. Then moves to the most-work valid block, which differs from the tip only after
    // a crash between a reorganisation's batches.
    private void LoadStored()
    {
        var meta = _store.ReadMeta()!.Value;
        if (meta.Version != ChainStateStore.FormatVersion || meta.Magic != _network.Magic || meta.Genesis != _network.Genesis.Hash)
        {
            throw new ChainStateStoreException(
                $"the chain state store is of format {meta.Version} for network 0x{meta.Magic:x8} with genesis {meta.Genesis}, not format {ChainStateStore.FormatVersion} of {_network.Name} (0x{_network.Magic:x8}, genesis {_network.Genesis.Hash}); start with --reindex to rebuild it from the block file");
        }

        List<StoredIndexEntry> stored;
        try
        {
            stored = [.. _store.ReadIndex()];
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            throw new ChainStateStoreException($"the chain state store's block index is damaged ({e.Message}); start with --reindex", e);
        }

        stored.Sort((a, b) => a.Header.Height.CompareTo(b.Header.Height));
        foreach (var s in stored)
        {
            if (s.Hash == _network.Genesis.Hash)
            {
                continue;
            }

            if (!_index.TryGetValue(s.Header.PreviousHash, out var parent) || s.Header.Height != parent.Height + 1)
            {
                throw new ChainStateStoreException($"the block index holds block {s.Header.Height} {s.Hash} without its parent {s.Header.PreviousHash}; start with --reindex");
            }

            if (s.Position < 0 || _bodies is null)
            {
                throw new ChainStateStoreException($"the block index holds block {s.Header.Height} {s.Hash}, which the block file does not hold; start with --reindex");
            }

            var entry = new BlockIndex(s.Header, parent, _engine.Work(s.Header), s.TransactionCount, s.CoinbaseRecipient, s.CoinbaseAmount) { IsInvalid = s.IsInvalid, IsIndexed = true };
            entry.SetStored(s.Position, _bodies);
            _index[s.Hash] = entry;
        }

        if (_store.ReadTip() is not { } tip || !_index.TryGetValue(tip.Hash, out var tipEntry) || tipEntry.Height != tip.Height || tipEntry.IsInvalid)
        {
            throw new ChainStateStoreException("the chain state store's tip is not a valid block of its block index; start with --reindex");
        }

        var path = new BlockIndex[tipEntry.Height + 1];
        for (var e = tipEntry; e is not null; e = e.Parent)
        {
            path[e.Height] = e;
        }

        _active.Clear();
        _active.AddRange(path);

        // As Bitcoin Core's -checkblocks: the last blocks of the best chain are read back whole (checksum, decoding,
        // hash), which costs a few milliseconds and catches a block file cut, replaced or damaged near its end.
        for (var (e, checkedCount) = (tipEntry, 0); e is { Position: >= 0 } && checkedCount < BlocksCheckedAtStart; e = e.Parent, checkedCount++)
        {
            try
            {
                _ = _bodies!.Get(e);
            }
            catch (StoreCorruptException ex)
            {
                throw new ChainStateStoreException($"{ex.Message} The chain state's block {e} is not intact there; start with --reindex to rebuild the chain state from the block file (which refuses a damaged file)", ex);
            }
        }

        ActivateBestChain();
    }

    /// <summary>
    /// Moves to the valid chain with the most work when a reorganisation left the tip off it (the store failing while the
    /// previous best chain was put back); does nothing otherwise. <see cref="Add"/> does this first. Throws as the store
    /// does, and is then tried again by the next call.
    /// </summary>
    public void ReturnToBestChain()
    {
        if (_offBestChain)
        {
            ActivateBestChain();
            _offBestChain = false;
        }
    }

    // Connects the valid block with the most work when it is not the tip (a reorganisation cut short by a crash, or
    // one whose store writes failed while the previous best chain was put back).
    private void ActivateBestChain()
    {
        while (true)
        {
            var best = Tip;
            foreach (var entry in _index.Values)
            {
                if (!entry.IsInvalid && IsBetter(entry, best))
                {
                    best = entry;
                }
            }

            if (best == Tip || Reorganize(best) is null)
            {
                return;
            }
        }
    }
}
