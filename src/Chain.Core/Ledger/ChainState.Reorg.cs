using System.Runtime.InteropServices;
using Chain.Core.Crypto;

namespace Chain.Core.Ledger;

public sealed partial class ChainState
{
    // Makes newTip the best chain's tip. On a block that fails state validation, marks it and its
    // descendants invalid, restores the previous best chain and, if the valid part of the new branch still
    // has more work, moves to that. Returns the failure, or null when newTip was connected. prepared, when
    // given, is newTip's state changes, used only if the tip is still the one they were computed against.
    // newTip goes to the store (_onStored) once its state checks pass, before its changes are applied; if the
    // store throws, the previous best chain is put back and the exception goes on.
    private (BlockIndex Failed, BlockError Error, string Message)? Reorganize(BlockIndex newTip, StateChanges? prepared = null)
    {
        var oldTip = Tip;
        var fork = FindCommonAncestor(oldTip, newTip);
        var newPath = PathFrom(fork, newTip);
        var oldPath = PathFrom(fork, oldTip);

        while (Tip != fork)
        {
            DisconnectTip();
        }

        foreach (var entry in newPath)
        {
            BlockError error;
            string message;
            try
            {
                (error, message) = ConnectTip(
                    entry,
                    prepared is { } p && p.Block == entry.Block && p.Base == Tip ? p : null,
                    entry == newTip ? _onStored : null);
            }
            catch
            {
                Restore(fork, oldPath);
                throw;
            }

            if (error == BlockError.None)
            {
                continue;
            }

            MarkInvalid(entry);
            if (Tip.CumulativeWork <= oldTip.CumulativeWork)
            {
                Restore(fork, oldPath);
            }

            return (entry, error, message);
        }

        return null;
    }

    // Puts the best chain back to fork followed by oldPath (blocks that were connected before, so they connect again).
    private void Restore(BlockIndex fork, List<BlockIndex> oldPath)
    {
        while (Tip != fork)
        {
            DisconnectTip();
        }

        foreach (var old in oldPath)
        {
            var (oldError, oldMessage) = ConnectTip(old);
            if (oldError != BlockError.None)
            {
                throw new InvalidOperationException($"Reconnecting the previous best chain failed at {old}: {oldMessage}");
            }
        }
    }

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

    // beforeApply (the store) sees the block once its state checks pass, before anything changes.
    private (BlockError, string) ConnectTip(BlockIndex entry, StateChanges? prepared = null, Action<Block>? beforeApply = null)
    {
        var (_, _, error, message, changes) = prepared ?? ComputeStateChanges(entry.Block);
        if (error != BlockError.None)
        {
            return (error, message);
        }

        beforeApply?.Invoke(entry.Block);

        var undo = new List<(Address, AccountState?)>(changes.Count);
        foreach (var (address, state) in changes)
        {
            ref var account = ref CollectionsMarshal.GetValueRefOrAddDefault(_accounts, address, out var existed);
            undo.Add((address, existed ? account : null));
            account = state;
        }

        _undo[entry.Hash] = new UndoRecord(undo);
        foreach (var tx in entry.Block.Transactions)
        {
            _txIndex[tx.Id] = entry;
            _signatures.Remove(tx.Id);
        }

        _active.Add(entry);
        return (BlockError.None, string.Empty);
    }

    private void DisconnectTip()
    {
        var entry = Tip;
        if (entry.Parent is null)
        {
            throw new InvalidOperationException("The genesis block cannot be disconnected.");
        }

        _undo.Remove(entry.Hash, out var undo);
        foreach (var (address, before) in undo!.Changes)
        {
            if (before is { } state)
            {
                _accounts[address] = state;
            }
            else
            {
                _accounts.Remove(address);
            }
        }

        foreach (var tx in entry.Block.Transactions)
        {
            if (_txIndex.TryGetValue(tx.Id, out var holder) && holder == entry)
            {
                _txIndex.Remove(tx.Id);
            }
        }

        _active.RemoveAt(_active.Count - 1);
    }

    // Marks entry and every descendant in the tree invalid (rare: a scan is fine).
    private void MarkInvalid(BlockIndex entry)
    {
        entry.IsInvalid = true;
        foreach (var candidate in _index.Values)
        {
            for (var e = candidate.Parent; e is not null && e.Height >= entry.Height; e = e.Parent)
            {
                if (e == entry)
                {
                    candidate.IsInvalid = true;
                    break;
                }
            }
        }
    }
}
