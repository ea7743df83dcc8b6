namespace Chain.Core.Persistence;

/// <summary>What reading a block file found: how much of it is intact and how long a torn tail was cut off.</summary>
/// <param name="ValidLength">Bytes of intact records from the start of the file.</param>
/// <param name="TruncatedBytes">Bytes after <paramref name="ValidLength"/> that formed a torn last record; 0 when none.</param>
public readonly record struct StoreRecovery(long ValidLength, long TruncatedBytes)
{
    /// <summary>Whether a torn last record was found (and, when opened by <see cref="BlockStore"/>, cut off).</summary>
    public bool HadTornTail => TruncatedBytes > 0;
}
