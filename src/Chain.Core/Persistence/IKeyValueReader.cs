namespace Chain.Core.Persistence;

/// <summary>Reads of a key-value store: point lookups and ordered scans of the keys under a prefix.</summary>
public interface IKeyValueReader
{
    /// <summary>The value stored under <paramref name="key"/>, or null; <see cref="IOException"/> when the store cannot be read.</summary>
    byte[]? Get(ReadOnlySpan<byte> key);

    /// <summary>
    /// The entries whose key starts with <paramref name="prefix"/>, in ascending byte order of the key (descending when
    /// <paramref name="descending"/>). Enumerate it to the end or dispose the enumerator.
    /// </summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[] prefix, bool descending = false);
}
