namespace Chain.Core.Persistence;

/// <summary>
/// An <see cref="IKeyValueStore"/> held in memory, for unit tests and ledgers without a data folder. Point reads and
/// writes are hash lookups; a scan sorts the keys under its prefix (fine for the small stores it serves).
/// </summary>
public sealed class MemoryKeyValueStore : IKeyValueStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<byte[], byte[]> _entries = new(ByteArrayComparer.Instance);

    /// <summary>Number of keys held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <inheritdoc />
    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        lock (_gate)
        {
            return _entries.GetAlternateLookup<ReadOnlySpan<byte>>() is var lookup && lookup.TryGetValue(key, out var value) ? value : null;
        }
    }

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[] prefix, bool descending = false)
    {
        List<KeyValuePair<byte[], byte[]>> found;
        lock (_gate)
        {
            found = [.. _entries.Where(e => e.Key.AsSpan().StartsWith(prefix))];
        }

        found.Sort((a, b) => ByteArrayComparer.Instance.Compare(a.Key, b.Key));
        if (descending)
        {
            found.Reverse();
        }

        return found;
    }

    /// <inheritdoc />
    public void Write(WriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_gate)
        {
            foreach (var (key, value) in batch.Operations)
            {
                if (value is null)
                {
                    _entries.Remove(key);
                }
                else
                {
                    _entries[key] = value;
                }
            }
        }
    }

    /// <inheritdoc />
    public IKeyValueSnapshot GetSnapshot()
    {
        var copy = new MemoryKeyValueStore();
        lock (_gate)
        {
            foreach (var (key, value) in _entries)
            {
                copy._entries[key] = value;
            }
        }

        return new Snapshot(copy);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Snapshot(MemoryKeyValueStore copy) : IKeyValueSnapshot
    {
        public byte[]? Get(ReadOnlySpan<byte> key) => copy.Get(key);

        public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[] prefix, bool descending = false) => copy.Scan(prefix, descending);

        public void Dispose()
        {
        }
    }
}
