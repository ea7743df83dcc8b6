using System.Buffers;
using Chain.Core.Ledger;

namespace Chain.Core.Persistence;

/// <summary>
/// The node's accepted blocks in one append-only file, <see cref="FileName"/> in the data folder (record
/// format: <see cref="BlockFile"/>). Each <see cref="Append"/> reaches the disk before it returns, so a block
/// can be announced once it is appended; opening reloads the blocks in file order and cuts off a torn last
/// record. Blocks are read back by position (<see cref="Read"/>).
/// The store checks no consensus rule: the ledger validates the blocks it replays.
/// </summary>
/// <remarks>
/// The file is opened exclusively (one node per data folder). Appends are serialised by a lock. A failed
/// append is rolled back to the previous length; if even that fails, the store refuses further appends
/// and the next <see cref="Open"/> cuts the partial record off.
/// </remarks>
public sealed class BlockStore : IBlockArchive, IDisposable
{
    /// <summary>Name of the block file inside the data folder.</summary>
    public const string FileName = "blocks.dat";

    private readonly Lock _gate = new();
    private readonly FileStream _stream;
    private long _length;
    private bool _faulted;
    private bool _disposed;

    private BlockStore(string filePath, FileStream stream, long length)
    {
        FilePath = filePath;
        _stream = stream;
        _length = length;
    }

    /// <summary>Full path of the block file.</summary>
    public string FilePath { get; }

    /// <summary>Bytes of intact records in the file.</summary>
    public long Length
    {
        get
        {
            lock (_gate)
            {
                return _length;
            }
        }
    }

    /// <summary>
    /// Opens (or creates) the block file in <paramref name="dataDirectory"/>, returns its blocks in file order
    /// and cuts off a torn last record, reported in <paramref name="recovery"/>. Throws
    /// <see cref="StoreCorruptException"/> (leaving the file untouched) if the file is corrupt.
    /// </summary>
    public static BlockStore Open(string dataDirectory, out IReadOnlyList<Block> blocks, out StoreRecovery recovery)
    {
        var store = OpenFile(dataDirectory);
        try
        {
            blocks = [.. store.Recover(0, out recovery).Select(b => b.Block)];
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens (or creates) the block file in <paramref name="dataDirectory"/> exclusively, reading nothing yet: call
    /// <see cref="Recover"/> before the first <see cref="Append"/>.
    /// </summary>
    public static BlockStore OpenFile(string dataDirectory)
    {
        var folder = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 0,
        });
        try
        {
            // Makes a newly created file's folder entry durable too.
            AtomicFile.FlushFolder(folder);
            return new BlockStore(path, stream, stream.Length);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Bytes in the file as it is now (before <see cref="Recover"/>, a torn last record included).</summary>
    public long FileLength => _stream.Length;

    /// <summary>
    /// Reads the blocks of the records from byte <paramref name="start"/> on (those before it are trusted, neither read
    /// nor checked) and cuts off a torn last record, reported in <paramref name="recovery"/>. Throws
    /// <see cref="StoreCorruptException"/> (leaving the file untouched) if the file is corrupt from there.
    /// </summary>
    public IReadOnlyList<StoredBlock> Recover(long start, out StoreRecovery recovery)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var blocks = BlockFile.ReadFrom(_stream, FilePath, start, out recovery);
            if (recovery.HadTornTail)
            {
                _stream.SetLength(recovery.ValidLength);
                _stream.Flush(flushToDisk: true);
            }

            _length = recovery.ValidLength;
            return blocks;
        }
    }

    /// <inheritdoc />
    public Block Read(long position)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        return BlockFile.ReadRecord(_stream.SafeFileHandle, FilePath, position);
    }

    /// <inheritdoc />
    public byte[] ReadEncoded(long position)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        return BlockFile.ReadRecordPayload(_stream.SafeFileHandle, FilePath, position);
    }

    /// <inheritdoc />
    public Transaction ReadTransaction(long position, int offset, int length)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        return BlockFile.ReadTransaction(_stream.SafeFileHandle, FilePath, position, offset, length);
    }

    /// <summary>Appends <paramref name="block"/> and flushes it to the disk before returning; returns its record's position.</summary>
    public long Append(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);

        // Encoded into a pooled buffer: a fresh array per block (megabytes, on the large object heap) cost full
        // collections while syncing.
        var buffer = ArrayPool<byte>.Shared.Rent(BlockFile.RecordSize(block));
        try
        {
            return AppendRecord(buffer.AsSpan(0, BlockFile.EncodeRecord(block, buffer)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private long AppendRecord(ReadOnlySpan<byte> record)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_faulted)
            {
                throw new IOException($"{FilePath}: an earlier append failed and could not be undone; reopen the store to recover.");
            }

            try
            {
                _stream.Position = _length;
                _stream.Write(record);
                _stream.Flush(flushToDisk: true);
                var position = _length;
                _length += record.Length;
                return position;
            }
            catch
            {
                RollBack();
                throw;
            }
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _stream.Dispose();
        }
    }

    // A partial record left in place would become a damaged record in the middle once the next append succeeds.
    private void RollBack()
    {
        try
        {
            _stream.SetLength(_length);
            _stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            _faulted = true;
        }
        catch (UnauthorizedAccessException)
        {
            _faulted = true;
        }
    }
}
