namespace Chain.Core.Persistence;

/// <summary>Puts and deletes to apply to an <see cref="IKeyValueStore"/> atomically, in the order they were added.</summary>
public sealed class WriteBatch
{
    private readonly List<(byte[] Key, byte[]? Value)> _operations = [];

    /// <summary>Number of operations.</summary>
    public int Count => _operations.Count;

    /// <summary>The operations in order; a null value is a delete.</summary>
    public IReadOnlyList<(byte[] Key, byte[]? Value)> Operations => _operations;

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> (the arrays are kept, not copied).</summary>
    public void Put(byte[] key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _operations.Add((key, value));
    }

    /// <summary>Removes <paramref name="key"/> (nothing happens if it is absent).</summary>
    public void Delete(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _operations.Add((key, null));
    }

    /// <summary>Forgets every operation.</summary>
    public void Clear() => _operations.Clear();
}
