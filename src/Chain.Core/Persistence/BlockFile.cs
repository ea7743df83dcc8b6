using System.Buffers;
using Chain.Core.Ledger;
using Microsoft.Win32.SafeHandles;

namespace Chain.Core.Persistence;

/// <summary>
/// The format of the append-only block file and its decoder. The decoder only reads: cutting a torn tail
/// off is left to <see cref="BlockStore"/>. It checks framing, checksums and the block encoding, never
/// consensus: the ledger re-validates every block when it replays them.
/// </summary>
/// <remarks>
/// <para>
/// The file is a sequence of records, integers little-endian:
/// <c>magic:u32 (<see cref="Magic"/>) | length:u32 | checksum:4 (first 4 bytes of SHA-256 of payload) |
/// payload (<see cref="Block.Encode()"/>, <see cref="MinPayloadSize"/> to <see cref="Block.MaxEncodedSize"/> bytes)</c>.
/// </para>
/// <para>
/// Appends are flushed one at a time, so a crash can damage only the last record, and only by leaving a prefix
/// of it (a killed process) or zeros (a file system that grew the file before writing it). A damaged record is
/// therefore a torn tail, reported and not fatal, when it starts like a record (the magic, a prefix of it, or
/// zeros to the end), no intact record follows it, and either its length field is implausible or it reaches
/// the end of the file. Anything else is a <see cref="StoreCorruptException"/>: a damaged record followed by
/// more data (blocks after it are never silently dropped), more bytes after a damaged record than one record
/// can hold, or a record whose checksum holds but whose payload is not a block.
/// </para>
/// </remarks>
public static class BlockFile
{
    /// <summary>Record magic: the ASCII bytes <c>CBLK</c>.</summary>
    public const uint Magic = 0x4B4C_4243;

    /// <summary>Bytes of a record before its payload.</summary>
    public const int HeaderSize = RecordFormat.HeaderSize;

    /// <summary>The shortest block encoding: a header and a transaction count.</summary>
    public const int MinPayloadSize = BlockHeader.Size + 4;

    /// <summary>The longest record: a header and the largest block.</summary>
    public const int MaxRecordSize = HeaderSize + Block.MaxEncodedSize;

    /// <summary>
    /// Most payload bytes hashed while looking for an intact record after a damaged last one; beyond this the
    /// tail is called corrupt rather than torn, which bounds the work crafted content can cause.
    /// </summary>
    public const long MaxTailScanBytes = 8L * Block.MaxEncodedSize;

    /// <summary>The record holding <paramref name="block"/>.</summary>
    public static byte[] EncodeRecord(Block block)
    {
        var record = new byte[RecordSize(block)];
        EncodeRecord(block, record);
        return record;
    }

    /// <summary>Bytes of the record holding <paramref name="block"/>; throws when the block is too large for one.</summary>
    public static int RecordSize(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var size = block.EncodedSize;
        return size <= Block.MaxEncodedSize
            ? HeaderSize + size
            : throw new ArgumentException($"Block {block} of {size} bytes exceeds {Block.MaxEncodedSize}.", nameof(block));
    }

    /// <summary>Writes the record holding <paramref name="block"/> to the start of <paramref name="destination"/>; returns its length.</summary>
    public static int EncodeRecord(Block block, Span<byte> destination)
    {
        var size = RecordSize(block);
        block.Encode(destination[HeaderSize..size]);
        RecordFormat.WriteHeader(Magic, destination[..size]);
        return size;
    }

    /// <summary>
    /// Decodes every block of a seekable stream from its start, in file order; <paramref name="recovery"/>
    /// tells how many bytes are intact and how long a torn tail follows them. Throws
    /// <see cref="StoreCorruptException"/> naming <paramref name="filePath"/> for corruption; no other exception
    /// comes from the content (I/O errors of the stream propagate). Memory is bounded by one record.
    /// </summary>
    public static IReadOnlyList<Block> Read(Stream stream, string filePath, out StoreRecovery recovery) =>
        [.. ReadFrom(stream, filePath, 0, out recovery).Select(b => b.Block)];

    /// <summary>
    /// As <see cref="Read"/>, from the record starting at byte <paramref name="start"/> (the records before it are
    /// neither read nor checked), each block with its record's position.
    /// </summary>
    public static IReadOnlyList<StoredBlock> ReadFrom(Stream stream, string filePath, long start, out StoreRecovery recovery)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("The block file must be readable and seekable.", nameof(stream));
        }

        var fileLength = stream.Length;
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, fileLength);
        stream.Position = start;
        var blocks = new List<StoredBlock>();
        Span<byte> header = stackalloc byte[HeaderSize];
        var payload = Array.Empty<byte>();
        var offset = start;
        while (offset < fileLength)
        {
            var remaining = fileLength - offset;
            if (remaining < HeaderSize)
            {
                recovery = ReadTornTail(stream, filePath, offset, fileLength);
                return blocks;
            }

            stream.ReadExactly(header);
            var (magic, length) = RecordFormat.ReadHeader(header);
            var plausible = magic == Magic && length is >= MinPayloadSize and <= Block.MaxEncodedSize;
            if (!plausible || length > remaining - HeaderSize)
            {
                recovery = ReadTornTail(stream, filePath, offset, fileLength);
                return blocks;
            }

            if (payload.Length < length)
            {
                // Bounded by Block.MaxEncodedSize and by the bytes the file really holds, both checked above.
                payload = new byte[Math.Max(length, Math.Min(2 * (long)payload.Length, Block.MaxEncodedSize))];
            }

            var body = payload.AsSpan(0, (int)length);
            stream.ReadExactly(body);
            if (!RecordFormat.ChecksumMatches(header, body))
            {
                if (offset + HeaderSize + length < fileLength)
                {
                    throw new StoreCorruptException(
                        filePath, offset, $"record fails its checksum and is followed by {fileLength - offset - HeaderSize - length} more bytes.");
                }

                recovery = ReadTornTail(stream, filePath, offset, fileLength);
                return blocks;
            }

            try
            {
                blocks.Add(new StoredBlock(offset, Block.Decode(body)));
            }
            catch (FormatException ex)
            {
                throw new StoreCorruptException(filePath, offset, $"record has a valid checksum but is not a block: {ex.Message}", ex);
            }

            offset += HeaderSize + length;
        }

        recovery = new StoreRecovery(fileLength, 0);
        return blocks;
    }

    /// <summary>
    /// The block whose record starts at <paramref name="position"/> of the open file <paramref name="file"/>, its
    /// framing and checksum checked. Throws <see cref="StoreCorruptException"/> when no intact record starts there.
    /// </summary>
    public static Block ReadRecord(SafeFileHandle file, string filePath, long position)
    {
        ArgumentNullException.ThrowIfNull(file);
        var header = new byte[HeaderSize];
        var length = ReadRecordHeader(file, filePath, position, header);

        // A pooled buffer: the decoded transactions copy what they keep, and a block is megabytes read on every
        // `block`, sync of a peer and reorganisation.
        var payload = ArrayPool<byte>.Shared.Rent(length);
        var checksum = new SharedChecksum(header, payload, length);
        var queued = false;
        try
        {
            if (RandomAccess.Read(file, payload.AsSpan(0, length), position + HeaderSize) != length)
            {
                throw new StoreCorruptException(filePath, position, "the record is damaged.");
            }

            // The checksum (1 ms for a full block) on another core while this one decodes (as long): this is on the
            // path of `block`, a peer's sync and a reorganisation. A damaged record is reported as damaged, whatever
            // its decoding made of it.
            queued = ThreadPool.UnsafeQueueUserWorkItem(static c => c.Run(), checksum, preferLocal: false);
            Block? block = null;
            FormatException? malformed = null;
            try
            {
                block = Block.Decode(payload.AsSpan(0, length));
            }
            catch (FormatException ex)
            {
                malformed = ex;
            }

            if (!checksum.Matches())
            {
                throw new StoreCorruptException(filePath, position, "the record is damaged.");
            }

            return malformed is null
                ? block!
                : throw new StoreCorruptException(filePath, position, $"record has a valid checksum but is not a block: {malformed.Message}", malformed);
        }
        finally
        {
            // Never back to the pool while the checksum may still read it.
            if (queued)
            {
                checksum.Matches();
            }

            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    /// <summary>
    /// The payload (the block's encoding) of the record at <paramref name="position"/>, framing and checksum checked
    /// but not decoded. Throws <see cref="StoreCorruptException"/> when no intact record starts there.
    /// </summary>
    public static byte[] ReadRecordPayload(SafeFileHandle file, string filePath, long position)
    {
        ArgumentNullException.ThrowIfNull(file);
        Span<byte> header = stackalloc byte[HeaderSize];
        // Not zeroed first: every byte is read over at once (a block is up to 2 MiB, read on every `block … raw`).
        var payload = GC.AllocateUninitializedArray<byte>(ReadRecordHeader(file, filePath, position, header));
        ReadPayload(file, filePath, position, header, payload);
        return payload;
    }

    /// <summary>
    /// The transaction at <paramref name="offset"/> (<paramref name="length"/> bytes) inside the block of the record at
    /// <paramref name="position"/>, read alone (the record's checksum, over the whole block, is not checked).
    /// </summary>
    public static Transaction ReadTransaction(SafeFileHandle file, string filePath, long position, int offset, int length)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (position < 0 || offset < MinPayloadSize || length is <= 0 or > Transaction.MaxEncodedSize)
        {
            throw new StoreCorruptException(filePath, position, $"no transaction of {length} bytes at {offset} in this record.");
        }

        var bytes = new byte[length];
        var at = position + HeaderSize + offset;
        if (RandomAccess.Read(file, bytes, at) != length)
        {
            throw new StoreCorruptException(filePath, at, "the file ends inside a transaction.");
        }

        try
        {
            return Transaction.Decode(bytes);
        }
        catch (FormatException ex)
        {
            throw new StoreCorruptException(filePath, at, $"not a transaction: {ex.Message}", ex);
        }
    }

    // Reads and checks the header of the record at position; returns its payload's length.
    private static int ReadRecordHeader(SafeFileHandle file, string filePath, long position, Span<byte> header)
    {
        if (position < 0 || RandomAccess.Read(file, header, position) != HeaderSize)
        {
            throw new StoreCorruptException(filePath, position, "no record starts here.");
        }

        var (magic, length) = RecordFormat.ReadHeader(header);
        if (magic != Magic || length is < MinPayloadSize or > Block.MaxEncodedSize)
        {
            throw new StoreCorruptException(filePath, position, "no record starts here.");
        }

        return (int)length;
    }

    private static void ReadPayload(SafeFileHandle file, string filePath, long position, ReadOnlySpan<byte> header, Span<byte> payload)
    {
        if (RandomAccess.Read(file, payload, position + HeaderSize) != payload.Length || !RecordFormat.ChecksumMatches(header, payload))
        {
            throw new StoreCorruptException(filePath, position, "the record is damaged.");
        }
    }

    // A record's checksum computed once, by whichever thread comes first: a pool thread queued for it, or the reader
    // once it has decoded the block (so a busy pool never makes the reader wait for it).
    private sealed class SharedChecksum(byte[] header, byte[] payload, int length)
    {
        private const int Unclaimed = 0;
        private const int Running = 1;
        private const int Done = 2;
        private int _state;
        private bool _matches;

        public void Run()
        {
            if (Interlocked.CompareExchange(ref _state, Running, Unclaimed) == Unclaimed)
            {
                _matches = RecordFormat.ChecksumMatches(header, payload.AsSpan(0, length));
                Volatile.Write(ref _state, Done);
            }
        }

        // The result, computed here unless another thread already is (then waited for: a millisecond at most).
        public bool Matches()
        {
            Run();
            var wait = default(SpinWait);
            while (Volatile.Read(ref _state) != Done)
            {
                wait.SpinOnce();
            }

            return _matches;
        }
    }

    // Decides whether the damaged bytes from offset to the end are what a crash during one append leaves.
    private static StoreRecovery ReadTornTail(Stream stream, string filePath, long offset, long fileLength)
    {
        var remaining = fileLength - offset;
        if (remaining > MaxRecordSize)
        {
            throw new StoreCorruptException(filePath, offset, $"damaged record followed by {remaining} bytes, more than one record can hold.");
        }

        var tail = new byte[remaining];
        stream.Position = offset;
        stream.ReadExactly(tail);
        if (!RecordFormat.StartsWithMagic(tail, Magic) && tail.AsSpan().ContainsAnyExcept((byte)0))
        {
            throw new StoreCorruptException(filePath, offset, "data that is not a block record.");
        }

        var intact = RecordFormat.FindIntactRecord(tail, 1, Magic, MinPayloadSize, Block.MaxEncodedSize, MaxTailScanBytes, out var inconclusive);
        if (intact >= 0)
        {
            throw new StoreCorruptException(filePath, offset, $"damaged record followed by an intact record at byte {offset + intact}.");
        }

        if (inconclusive)
        {
            // A real torn block holds hashes, keys and signatures, where the magic turns up only by chance.
            throw new StoreCorruptException(filePath, offset, "damaged record followed by many record-like headers.");
        }

        return new StoreRecovery(offset, remaining);
    }
}
