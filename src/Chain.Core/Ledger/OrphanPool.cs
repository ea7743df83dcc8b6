using Chain.Core.Crypto;

namespace Chain.Core.Ledger;

/// <summary>
/// Blocks whose parent is not known yet, held until it arrives. Bounded in count and in bytes (orphans need
/// only cheap proof of work, so a count alone would let 2 MiB blocks fill memory): when full, the oldest
/// orphan is dropped (a peer that still needs it there will send it again during sync).
/// </summary>
public sealed class OrphanPool
{
    /// <summary>Most orphans held at once.</summary>
    public const int DefaultCapacity = 256;

    /// <summary>Default most encoded bytes held at once.</summary>
    public const long DefaultMaxBytes = 16L * 1024 * 1024;

    private readonly Dictionary<Hash256, Block> _byHash = [];
    private readonly Dictionary<Hash256, List<Hash256>> _byParent = [];
    private readonly Queue<Hash256> _arrival = new();
    private readonly int _capacity;
    private readonly long _maxBytes;
    private long _bytes;

    /// <summary>Creates a pool holding at most <paramref name="capacity"/> blocks and <paramref name="maxBytes"/> encoded bytes.</summary>
    public OrphanPool(int capacity = DefaultCapacity, long maxBytes = DefaultMaxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        _capacity = capacity;
        _maxBytes = maxBytes;
    }

    /// <summary>Number of orphans held.</summary>
    public int Count => _byHash.Count;

    /// <summary>Encoded bytes held.</summary>
    public long Bytes => _bytes;

    /// <summary>Whether the block is held.</summary>
    public bool Contains(Hash256 hash) => _byHash.ContainsKey(hash);

    /// <summary>Adds an orphan, evicting the oldest ones beyond the capacity.</summary>
    public void Add(Block block)
    {
        if (!_byHash.TryAdd(block.Hash, block))
        {
            return;
        }

        if (!_byParent.TryGetValue(block.Header.PreviousHash, out var children))
        {
            children = [];
            _byParent[block.Header.PreviousHash] = children;
        }

        children.Add(block.Hash);
        _arrival.Enqueue(block.Hash);
        _bytes += block.EncodedSize;
        while ((_byHash.Count > _capacity || _bytes > _maxBytes) && _arrival.TryDequeue(out var oldest))
        {
            Remove(oldest);
        }
    }

    /// <summary>Removes and returns the orphans whose parent is <paramref name="parent"/>.</summary>
    public List<Block> TakeChildren(Hash256 parent)
    {
        var taken = new List<Block>();
        if (_byParent.Remove(parent, out var children))
        {
            foreach (var hash in children)
            {
                if (_byHash.Remove(hash, out var block))
                {
                    _bytes -= block.EncodedSize;
                    taken.Add(block);
                }
            }
        }

        return taken;
    }

    /// <summary>The hash of the earliest ancestor held for <paramref name="hash"/> (to ask a peer for what is missing).</summary>
    public Hash256 FindRoot(Hash256 hash)
    {
        var current = hash;
        var steps = 0;
        while (_byHash.TryGetValue(current, out var block) && _byHash.ContainsKey(block.Header.PreviousHash) && steps++ < _capacity)
        {
            current = block.Header.PreviousHash;
        }

        return current;
    }

    private void Remove(Hash256 hash)
    {
        if (!_byHash.Remove(hash, out var block))
        {
            return;
        }

        _bytes -= block.EncodedSize;

        if (_byParent.TryGetValue(block.Header.PreviousHash, out var siblings))
        {
            siblings.Remove(hash);
            if (siblings.Count == 0)
            {
                _byParent.Remove(block.Header.PreviousHash);
            }
        }
    }
}
