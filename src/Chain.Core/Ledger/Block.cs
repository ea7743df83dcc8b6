using Chain.Core.Encoding;

namespace Chain.Core.Ledger;

/// <summary>A header and its transactions, the first of which is the coinbase.</summary>
/// <remarks>Encoding: <c>header (92 bytes, or longer when sealed: <see cref="BlockHeader.EncodedSize"/>) | count:u32 | (length:u32 | transaction)*count</c>, little-endian.</remarks>
public sealed class Block
{
    /// <summary>Largest encoded block accepted, in bytes.</summary>
    public const int MaxEncodedSize = 2 * 1024 * 1024;

    /// <summary>Most transactions a block may hold (bounded by size too).</summary>
    public const int MaxTransactions = MaxEncodedSize / 64;

    /// <summary>Fewest transactions for which <see cref="DecodeParallel"/> spreads the work over the cores.</summary>
    public const int ParallelDecodeThreshold = 128;

    // Transactions decoded per work item of DecodeParallel.
    private const int ParallelDecodeChunk = 64;

    /// <summary>Creates a block from a header and its transactions.</summary>
    public Block(BlockHeader header, IReadOnlyList<Transaction> transactions)
    {
        Header = header;
        Transactions = transactions;
    }

    /// <summary>The header.</summary>
    public BlockHeader Header { get; }

    /// <summary>The transactions, coinbase first.</summary>
    public IReadOnlyList<Transaction> Transactions { get; }

    /// <summary>The header hash.</summary>
    public Crypto.Hash256 Hash => Header.Hash;

    /// <summary>The height from the header.</summary>
    public uint Height => Header.Height;

    /// <summary>Length of <see cref="Encode()"/>.</summary>
    public int EncodedSize
    {
        get
        {
            var size = Header.EncodedSize + 4;
            foreach (var tx in Transactions)
            {
                size += 4 + tx.EncodedSize;
            }

            return size;
        }
    }

    /// <summary>The canonical encoding.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[EncodedSize];
        Encode(bytes);
        return bytes;
    }

    /// <summary>Writes the canonical encoding to the start of <paramref name="destination"/> and returns its length (<see cref="EncodedSize"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="EncodedSize"/>.</exception>
    public int Encode(Span<byte> destination)
    {
        var size = EncodedSize;
        if (destination.Length < size)
        {
            throw new ArgumentException($"A block of {size} bytes does not fit in {destination.Length}.", nameof(destination));
        }

        var writer = new SpanWriter(destination[..size]);
        Header.Encode(writer.Take(Header.EncodedSize));
        writer.WriteUInt32((uint)Transactions.Count);
        foreach (var tx in Transactions)
        {
            writer.WriteUInt32((uint)tx.EncodedSize);
            tx.Encode(writer.Take(tx.EncodedSize));
        }

        return size;
    }

    /// <summary>Decodes a block; throws <see cref="FormatException"/> on malformed or oversized input.</summary>
    public static Block Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxEncodedSize)
        {
            throw new FormatException($"Block of {data.Length} bytes exceeds {MaxEncodedSize}.");
        }

        var reader = new SpanReader(data);
        var header = BlockHeader.Read(ref reader);
        var count = reader.ReadUInt32();
        // Each transaction needs at least its 4-byte length, so a count the data cannot hold is refused
        // before anything is allocated for it.
        if (count > MaxTransactions || count > (uint)reader.Remaining / 4)
        {
            throw new FormatException($"Block claims {count} transactions, more than its {reader.Remaining} bytes can hold.");
        }

        var transactions = new Transaction[count];
        for (var i = 0; i < transactions.Length; i++)
        {
            var length = reader.ReadUInt32();
            if (length > Transaction.MaxEncodedSize)
            {
                throw new FormatException($"Transaction {i} of {length} bytes exceeds {Transaction.MaxEncodedSize}.");
            }

            transactions[i] = Transaction.Decode(reader.ReadBytes((int)length));
        }

        reader.EnsureEnd("Block");
        return new Block(header, transactions);
    }

    /// <summary>
    /// As <see cref="Decode(ReadOnlySpan{byte})"/> (same block, same exception for malformed input), but a block of at
    /// least <see cref="ParallelDecodeThreshold"/> transactions has its transactions decoded, their ids hashed and
    /// their sender addresses derived on all cores: the serial decode is on the path of every block relayed.
    /// </summary>
    public static Block DecodeParallel(ReadOnlyMemory<byte> data)
    {
        if (data.Length > MaxEncodedSize || Environment.ProcessorCount == 1)
        {
            return Decode(data.Span);
        }

        BlockHeader header;
        int[] starts;
        int[] lengths;
        try
        {
            var reader = new SpanReader(data.Span);
            header = BlockHeader.Read(ref reader);
            var count = reader.ReadUInt32();
            if (count < ParallelDecodeThreshold || count > MaxTransactions || count > (uint)reader.Remaining / 4)
            {
                return Decode(data.Span);
            }

            starts = new int[count];
            lengths = new int[count];
            for (var i = 0; i < starts.Length; i++)
            {
                var length = reader.ReadUInt32();
                if (length > Transaction.MaxEncodedSize)
                {
                    return Decode(data.Span);
                }

                starts[i] = reader.Position;
                lengths[i] = (int)length;
                reader.ReadBytes((int)length);
            }

            reader.EnsureEnd("Block");
        }
        catch (FormatException)
        {
            return Decode(data.Span); // throws what the serial decode throws
        }

        var transactions = new Transaction[starts.Length];
        var malformed = 0;
        Parallel.For(0, (starts.Length + ParallelDecodeChunk - 1) / ParallelDecodeChunk, chunk =>
        {
            var end = Math.Min(starts.Length, (chunk + 1) * ParallelDecodeChunk);
            for (var i = chunk * ParallelDecodeChunk; i < end; i++)
            {
                try
                {
                    var tx = Transaction.Decode(data.Span.Slice(starts[i], lengths[i]));
                    _ = tx.Sender; // derived here, once, rather than on the validating thread
                    transactions[i] = tx;
                }
                catch (FormatException)
                {
                    Volatile.Write(ref malformed, 1);
                    return;
                }
            }
        });

        // A malformed transaction: the serial decode reports the first problem, as it always did.
        return malformed == 0 ? new Block(header, transactions) : Decode(data.Span);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Height} {Hash}";
}
