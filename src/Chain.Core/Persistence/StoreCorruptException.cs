namespace Chain.Core.Persistence;

/// <summary>
/// The one documented error of the chain's data files: a file holds data that no crash of this node can
/// explain (a damaged record followed by more data, a checksummed record that does not decode, foreign
/// content). The file is left exactly as found so that an operator can inspect or move it aside.
/// </summary>
public sealed class StoreCorruptException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/> at byte <paramref name="offset"/>.</summary>
    public StoreCorruptException(string filePath, long offset, string reason, Exception? innerException = null)
        : base($"{filePath}: corrupt at byte {offset}: {reason}", innerException)
    {
        FilePath = filePath;
        Offset = offset;
    }

    /// <summary>The damaged file.</summary>
    public string FilePath { get; }

    /// <summary>Byte offset of the first record that could not be read.</summary>
    public long Offset { get; }
}
