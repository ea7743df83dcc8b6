using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Network.Protocol;

/// <summary>
/// Transactions that arrived before their sender's previous nonce (refused <see cref="TxError.NonceTooHigh"/>),
/// held until that nonce enters the mempool and then submitted again. Bounded (oldest dropped first) and expiring.
/// Only the protocol's event loop touches it.
/// </summary>
public sealed class OrphanTransactions(TimeProvider time)
{
    /// <summary>Transactions held at most.</summary>
    public const int Capacity = 1_000;

    /// <summary>How long a transaction is held waiting for its sender's previous nonce.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(5);

    private readonly Dictionary<(Address Sender, ulong Nonce), (Transaction Tx, long Added)> _held = [];
    private readonly Queue<((Address Sender, ulong Nonce) Key, long Added)> _order = new();

    /// <summary>Number of transactions held.</summary>
    public int Count => _held.Count;

    /// <summary>Holds a transaction (one per sender and nonce; the first kept); false if one was already held.</summary>
    public bool Add(Transaction tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var now = time.GetTimestamp();
        DropExpired(now);
        var key = (tx.Sender, tx.Nonce);
        if (_held.ContainsKey(key))
        {
            return false;
        }

        while (_held.Count >= Capacity && _order.TryDequeue(out var oldest))
        {
            Remove(oldest.Key, oldest.Added);
        }

        _held[key] = (tx, now);
        _order.Enqueue((key, now));
        return true;
    }

    /// <summary>Removes and returns the held transaction of <paramref name="sender"/> with <paramref name="nonce"/>, if any and not expired.</summary>
    public Transaction? Take(Address sender, ulong nonce)
    {
        if (!_held.Remove((sender, nonce), out var entry))
        {
            return null;
        }

        return time.GetElapsedTime(entry.Added) < Expiry ? entry.Tx : null;
    }

    private void DropExpired(long now)
    {
        while (_order.TryPeek(out var oldest) && time.GetElapsedTime(oldest.Added, now) >= Expiry)
        {
            _order.Dequeue();
            Remove(oldest.Key, oldest.Added);
        }
    }

    // Queue entries of taken transactions stay behind: remove only the entry they were queued for.
    private void Remove((Address Sender, ulong Nonce) key, long added)
    {
        if (_held.TryGetValue(key, out var entry) && entry.Added == added)
        {
            _held.Remove(key);
        }
    }
}
