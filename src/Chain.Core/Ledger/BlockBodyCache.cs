using Chain.Core.Crypto;
using Chain.Core.Encoding;
using Chain.Core.Persistence;

namespace Chain.Core.Ledger;

/// <summary>
/// The bodies of recently stored blocks, bounded by their encoded size (least recently used out first); any other
/// stored block's body is read from the archive by position when asked for (<see cref="BlockIndex.Block"/>), and not
/// kept. Safe for concurrent use.
/// </summary>
public sealed class BlockBodyCache(IBlockArchive archive, long capacityBytes = BlockBodyCache.DefaultCapacityBytes)
{
    /// <summary>Default bound of the cached bodies' encoded size: 32 MiB, some 15 full blocks (about twice that in memory).</summary>
    public const long DefaultCapacityBytes = 32L * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<Hash256, LinkedListNode<(Hash256 Hash, Block Block, int Size)>> _entries = [];
    private readonly LinkedList<(Hash256 Hash, Block Block, int Size)> _order = new();
    private long _bytes;

    /// <summary>The archive bodies are read from.</summary>
    public IBlockArchive Archive { get; } = archive;

    /// <summary>Bound of the cached bodies' encoded size, in bytes.</summary>
    public long CapacityBytes { get; } = capacityBytes >= 0 ? capacityBytes : throw new ArgumentOutOfRangeException(nameof(capacityBytes));

    /// <summary>Encoded size of the bodies held now.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Keeps <paramref name="block"/> as the most recent body.</summary>
    public void Add(Block block)
    {
        var size = block.EncodedSize;
        lock (_gate)
        {
            if (_entries.Remove(block.Hash, out var old))
            {
                _order.Remove(old);
                _bytes -= old.Value.Size;
            }

            if (size > CapacityBytes)
            {
                return;
            }

            _entries[block.Hash] = _order.AddFirst((block.Hash, block, size));
            _bytes += size;
            while (_bytes > CapacityBytes && _order.Last is { } last)
            {
                _order.RemoveLast();
                _entries.Remove(last.Value.Hash);
                _bytes -= last.Value.Size;
            }
        }
    }

    /// <summary>The cached body of the block, or null.</summary>
    public Block? TryGet(Hash256 hash)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(hash, out var node))
            {
                return null;
            }

            _order.Remove(node);
            _order.AddFirst(node);
            return node.Value.Block;
        }
    }

    /// <summary>The body of a stored block: from the cache, or read from the archive (and not cached).</summary>
    public Block Get(BlockIndex entry)
    {
        if (TryGet(entry.Hash) is { } cached)
        {
            return cached;
        }

        var block = Archive.Read(entry.Position);
        if (block.Hash != entry.Hash)
        {
            throw new ChainStateStoreException($"the block file holds block {block.Hash} at {entry.Position}, where the block index names {entry.Hash}; start with --reindex to rebuild the index from the block file");
        }

        return block;
    }

    /// <summary>
    /// The encoding of a stored block's body: from the cache, or read from the archive without decoding the
    /// transactions (and not cached).
    /// </summary>
    public byte[] GetEncoded(BlockIndex entry)
    {
        if (TryGet(entry.Hash) is { } cached)
        {
            return cached.Encode();
        }

        var bytes = Archive.ReadEncoded(entry.Position);
        var reader = new SpanReader(bytes);
        var hash = BlockHeader.Read(ref reader).Hash;
        if (hash != entry.Hash)
        {
            throw new ChainStateStoreException($"the block file holds block {hash} at {entry.Position}, where the block index names {entry.Hash}; start with --reindex to rebuild the index from the block file");
        }

        return bytes;
    }
}
