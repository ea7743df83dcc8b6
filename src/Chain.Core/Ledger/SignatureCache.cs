using System.Collections.Concurrent;
using Chain.Core.Crypto;

namespace Chain.Core.Ledger;

/// <summary>
/// Remembers transactions whose signature verified, so a transaction checked when it entered the mempool
/// is not verified again when its block arrives (as Bitcoin Core's signature cache does). Keyed by id and
/// holding the exact signature bytes, so another signature over the same id is verified afresh.
/// </summary>
public sealed class SignatureCache
{
    /// <summary>Entries kept before the cache is emptied and starts over.</summary>
    public const int MaxEntries = 200_000;

    private readonly ConcurrentDictionary<Hash256, byte[]> _verified = new();
    private readonly RsaPublicKeyCache _keys = new();

    // ConcurrentDictionary.Count takes every bucket lock, so on the verification path the size is tracked
    // here instead (approximate under races, which is all a cap needs).
    private int _approximateCount;

    /// <summary>Number of cached entries.</summary>
    public int Count => _verified.Count;

    /// <summary>Imported sender keys, so a sender's key is parsed once rather than per verification.</summary>
    public RsaPublicKeyCache Keys => _keys;

    /// <summary>Verifies the signature of <paramref name="tx"/>, using and filling the cache.</summary>
    public bool Verify(Transaction tx)
    {
        if (IsCached(tx))
        {
            return true;
        }

        if (!tx.VerifySignature(_keys))
        {
            return false;
        }

        if (Volatile.Read(ref _approximateCount) >= MaxEntries)
        {
            _verified.Clear();
            Volatile.Write(ref _approximateCount, 0);
        }

        if (_verified.TryAdd(tx.Id, tx.Signature))
        {
            Interlocked.Increment(ref _approximateCount);
        }
        else
        {
            _verified[tx.Id] = tx.Signature;
        }

        return true;
    }

    /// <summary>
    /// Verifies the signature of a transaction in a block without changing the cache: a hit (verified when it entered
    /// the mempool) skips RSA, and a miss is verified but not stored, since a block's own transactions would only
    /// crowd out the mempool's. Hits leave the cache when their block is connected (<see cref="Remove"/>), not here,
    /// so a block that is refused or lands on a side branch evicts nothing.
    /// </summary>
    public bool VerifyInBlock(Transaction tx) => IsCached(tx) || tx.VerifySignature(_keys);

    private bool IsCached(Transaction tx) =>
        _verified.TryGetValue(tx.Id, out var signature) && signature.AsSpan().SequenceEqual(tx.Signature);

    /// <summary>Forgets a transaction (once it is buried in a block, it is not verified again).</summary>
    public void Remove(Hash256 id)
    {
        if (_verified.TryRemove(id, out _))
        {
            Interlocked.Decrement(ref _approximateCount);
        }
    }
}
