using Chain.Core.Crypto;

namespace Chain.Core.Ledger;

/// <summary>
/// Blocks whose parent is not known yet, held until it arrives. Bounded in count and in bytes (orphans need
/// only cheap proof of work, so a count alone would let 2 MiB blocks fill memory): when full, the oldest orphan
/// of the source holding the most bytes is dropped, so a peer flooding orphans evicts its own and not those of
/// other peers (a peer that still needs a dropped one there will send it again during sync).
/// </summary>
public sealed class OrphanPool
{
    /// <summary>
    /// Most orphans held at once. It also holds side branches with less work than the best chain (BlockStatus.Held),
    /// so it bounds how deep below the tip a heavier branch may fork and still be adopted block by block.
    /// </summary>
    public const int DefaultCapacity = 1024;

    /// <summary>Default most encoded bytes held at once.</summary>
    public const long DefaultMaxBytes = 16L * 1024 * 1024;

    private readonly Dictionary<Hash256, Entry> _byHash = [];
    private readonly Dictionary<Hash256, List<Hash256>> _byParent = [];
    private readonly Dictionary<string, Holder> _bySource = new(StringComparer.Ordinal);
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

    /// <summary>Adds an orphan from an unnamed source, evicting beyond the capacity.</summary>
    public void Add(Block block) => Add(block, string.Empty);

    /// <summary>
    /// Adds an orphan received from <paramref name="source"/> (a peer's id; empty when unnamed); beyond the capacity,
    /// drops the oldest orphans of whichever source holds the most bytes.
    /// </summary>
    public void Add(Block block, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!_byHash.TryAdd(block.Hash, new Entry(block, source)))
        {
            return;
        }

        if (!_byParent.TryGetValue(block.Header.PreviousHash, out var children))
        {
            children = [];
            _byParent[block.Header.PreviousHash] = children;
        }

        children.Add(block.Hash);
        if (!_bySource.TryGetValue(source, out var holder))
        {
            holder = new Holder();
            _bySource[source] = holder;
        }

        holder.Arrival.Enqueue(block.Hash);
        holder.Bytes += block.EncodedSize;
        holder.Live++;
        _bytes += block.EncodedSize;
        while (_byHash.Count > _capacity || _bytes > _maxBytes)
        {
            EvictFromLargest();
        }
    }

    /// <summary>Encoded bytes held from <paramref name="source"/>.</summary>
    public long BytesFrom(string source) => _bySource.TryGetValue(source, out var holder) ? holder.Bytes : 0;

    /// <summary>Removes and returns the orphans whose parent is <paramref name="parent"/>.</summary>
    public List<Block> TakeChildren(Hash256 parent) => TakeChildEntries(parent).ConvertAll(e => e.Block);

    /// <summary>Removes and returns the orphans whose parent is <paramref name="parent"/>, each with its source.</summary>
    internal List<(Block Block, string Source)> TakeChildEntries(Hash256 parent)
    {
        var taken = new List<(Block, string)>();
        if (_byParent.Remove(parent, out var children))
        {
            foreach (var hash in children)
            {
                if (_byHash.Remove(hash, out var entry))
                {
                    Forget(entry);
                    taken.Add((entry.Block, entry.Source));
                }
            }
        }

        return taken;
    }

    /// <summary>The orphans whose parent is <paramref name="parent"/>, each with its source, left held.</summary>
    internal List<(Block Block, string Source)> ChildEntries(Hash256 parent) =>
        _byParent.TryGetValue(parent, out var children)
            ? children.Select(hash => (_byHash[hash].Block, _byHash[hash].Source)).ToList()
            : [];

    /// <summary>
    /// The held block <paramref name="hash"/> and its ancestors held here, earliest first (empty when it is not held);
    /// the earliest one's parent is not held.
    /// </summary>
    internal List<Block> HeldPath(Hash256 hash)
    {
        var path = new List<Block>();
        for (var current = hash; path.Count <= _capacity && _byHash.TryGetValue(current, out var entry); current = entry.Block.Header.PreviousHash)
        {
            path.Add(entry.Block);
        }

        path.Reverse();
        return path;
    }

    /// <summary>The hash of the earliest ancestor held for <paramref name="hash"/> (to ask a peer for what is missing).</summary>
    public Hash256 FindRoot(Hash256 hash)
    {
        var current = hash;
        var steps = 0;
        while (_byHash.TryGetValue(current, out var entry) && _byHash.ContainsKey(entry.Block.Header.PreviousHash) && steps++ < _capacity)
        {
            current = entry.Block.Header.PreviousHash;
        }

        return current;
    }

    // The source with the most bytes loses its oldest orphan still held (queued hashes already taken are skipped).
    private void EvictFromLargest()
    {
        string? largest = null;
        Holder? holder = null;
        foreach (var (source, candidate) in _bySource)
        {
            if (holder is null || candidate.Bytes > holder.Bytes)
            {
                (largest, holder) = (source, candidate);
            }
        }

        // Hashes already taken (or since held for another source) are skipped: only this source's own orphans go.
        while (holder is not null && holder.Arrival.TryDequeue(out var oldest))
        {
            if (_byHash.TryGetValue(oldest, out var entry) && entry.Source == largest && Remove(oldest))
            {
                return;
            }
        }

        throw new InvalidOperationException("Orphan pool accounting is inconsistent.");
    }

    /// <summary>Hashes queued in the sources' arrival queues (live or already taken), for tests of the bound.</summary>
    internal int QueuedHashes => _bySource.Values.Sum(h => h.Arrival.Count);

    /// <summary>
    /// The most work of any chain of held blocks descending from <paramref name="hash"/> (zero when none is held):
    /// what those blocks would add to its branch.
    /// </summary>
    internal UInt128 HeaviestDescendantWork(Hash256 hash, Func<BlockHeader, UInt128> work)
    {
        if (!_byParent.TryGetValue(hash, out var children))
        {
            return UInt128.Zero;
        }

        var best = UInt128.Zero;
        foreach (var child in children)
        {
            if (_byHash.TryGetValue(child, out var entry))
            {
                var branch = work(entry.Block.Header) + HeaviestDescendantWork(child, work);
                best = branch > best ? branch : best;
            }
        }

        return best;
    }

    /// <summary>Removes one held block; false when it is not held.</summary>
    internal bool Remove(Hash256 hash)
    {
        if (!_byHash.Remove(hash, out var entry))
        {
            return false;
        }

        Forget(entry);
        var parent = entry.Block.Header.PreviousHash;
        if (_byParent.TryGetValue(parent, out var siblings))
        {
            siblings.Remove(hash);
            if (siblings.Count == 0)
            {
                _byParent.Remove(parent);
            }
        }

        return true;
    }

    // Accounting of a block that left the pool. Its hash may stay queued in its holder (skipped at eviction); a
    // holder whose queue has grown past twice its live orphans is compacted, so taken hashes cannot pile up.
    private void Forget(Entry entry)
    {
        var size = entry.Block.EncodedSize;
        _bytes -= size;
        var holder = _bySource[entry.Source];
        holder.Bytes -= size;
        holder.Live--;
        if (holder.Live == 0)
        {
            _bySource.Remove(entry.Source);
        }
        else if (holder.Arrival.Count > (2 * holder.Live) + 16)
        {
            var seen = new HashSet<Hash256>();
            var live = holder.Arrival.Where(h => _byHash.TryGetValue(h, out var e) && e.Source == entry.Source && seen.Add(h)).ToList();
            holder.Arrival.Clear();
            live.ForEach(holder.Arrival.Enqueue);
        }
    }

    private readonly record struct Entry(Block Block, string Source);

    /// <summary>One source's orphans in arrival order and their bytes.</summary>
    private sealed class Holder
    {
        public Queue<Hash256> Arrival { get; } = new();

        public long Bytes { get; set; }

        public int Live { get; set; }
    }
}
