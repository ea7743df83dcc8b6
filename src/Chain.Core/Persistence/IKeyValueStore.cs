namespace Chain.Core.Persistence;

/// <summary>
/// An embedded key-value store (neo's <c>IStore</c> idea): reads, one atomic batch of writes, and snapshots.
/// <see cref="MemoryKeyValueStore"/> serves tests and ledgers without a data folder; <see cref="RocksDbKeyValueStore"/>
/// serves nodes. Safe for concurrent use.
/// </summary>
public interface IKeyValueStore : IKeyValueReader, IDisposable
{
    /// <summary>
    /// Applies every operation of <paramref name="batch"/> in order, all or none: a crash during the write leaves the
    /// store as it was before it or as it is after it. The write survives the process being killed once this returns.
    /// </summary>
    void Write(WriteBatch batch);

    /// <summary>A consistent read-only view of the store as it is now, unaffected by later writes; dispose it when done.</summary>
    IKeyValueSnapshot GetSnapshot();
}
