using System.Buffers;
using System.Runtime.InteropServices;
using Chain.Core.Crypto;
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

    // Fewest transactions per core in DecodeParallel.
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
    public Hash256 Hash => Header.Hash;

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
    /// <remarks>
    /// Every transaction is read and checked first (the first malformed one is the one reported); then the ids, and the
    /// addresses of the distinct sender keys, are hashed together on the CPU's SHA-256 lanes (<see cref="Sha256Batch"/>),
    /// and the transactions of one sender share one copy of its key.
    /// </remarks>
    public static Block Decode(ReadOnlySpan<byte> data) => Decode(data, ReadOnlyMemory<byte>.Empty);

    /// <summary>
    /// As <see cref="Decode(ReadOnlySpan{byte})"/> (same block, same exception for malformed input), but a block of at
    /// least <see cref="ParallelDecodeThreshold"/> transactions has its transaction ids hashed on all cores: the decode
    /// is on the path of every block relayed or synced and of <c>block</c> answered from disk.
    /// </summary>
    public static Block DecodeParallel(ReadOnlyMemory<byte> data) =>
        Decode(data.Span, Environment.ProcessorCount > 1 ? data : ReadOnlyMemory<byte>.Empty);

    // Decodes data; when shared is data itself (not empty), a large block's ids are hashed on every core.
    private static Block Decode(ReadOnlySpan<byte> data, ReadOnlyMemory<byte> shared)
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

        var n = (int)count;
        var layouts = ArrayPool<TransactionLayout>.Shared.Rent(n);
        var starts = ArrayPool<int>.Shared.Rent(n);
        var sizes = ArrayPool<int>.Shared.Rent(n);
        var ids = ArrayPool<Hash256>.Shared.Rent(n);
        var keyOf = ArrayPool<int>.Shared.Rent(n);
        try
        {
            for (var i = 0; i < n; i++)
            {
                var length = reader.ReadUInt32();
                if (length > Transaction.MaxEncodedSize)
                {
                    throw new FormatException($"Transaction {i} of {length} bytes exceeds {Transaction.MaxEncodedSize}.");
                }

                starts[i] = reader.Position;
                layouts[i] = TransactionLayout.Read(reader.ReadBytes((int)length));
                sizes[i] = layouts[i].SigningSize;
            }

            reader.EnsureEnd("Block");
            HashIds(data, shared, starts.AsSpan(0, n), sizes.AsSpan(0, n), ids.AsSpan(0, n));
            var (keys, senders) = SenderKeys(data, layouts.AsSpan(0, n), starts.AsSpan(0, n), keyOf.AsSpan(0, n));
            var transactions = new Transaction[n];
            for (var i = 0; i < n; i++)
            {
                var transaction = data.Slice(starts[i], layouts[i].SigningSize + 2 + layouts[i].SignatureLength);
                transactions[i] = keyOf[i] < 0
                    ? Transaction.FromLayout(transaction, layouts[i], [], ids[i], Address.Zero)
                    : Transaction.FromLayout(transaction, layouts[i], keys[keyOf[i]], ids[i], senders[keyOf[i]]);
            }

            return new Block(header, transactions);
        }
        finally
        {
            ArrayPool<TransactionLayout>.Shared.Return(layouts);
            ArrayPool<int>.Shared.Return(starts);
            ArrayPool<int>.Shared.Return(sizes);
            ArrayPool<Hash256>.Shared.Return(ids);
            ArrayPool<int>.Shared.Return(keyOf);
        }
    }

    // The ids: SHA-256 of each transaction's signing bytes, the prefix of its encoding; a large block's in one
    // part per core when shared holds data.
    private static void HashIds(ReadOnlySpan<byte> data, ReadOnlyMemory<byte> shared, Span<int> starts, Span<int> sizes, Span<Hash256> ids)
    {
        var n = starts.Length;
        var parts = shared.IsEmpty || n < ParallelDecodeThreshold ? 1 : Math.Min(Environment.ProcessorCount, n / ParallelDecodeChunk);
        if (parts <= 1)
        {
            Sha256Batch.Hash(data, starts, sizes, ids);
            return;
        }

        // Spans cannot cross into the lambda: the parts are handed over as arrays and copied back.
        var startArray = starts.ToArray();
        var sizeArray = sizes.ToArray();
        var idArray = new Hash256[n];
        var per = (n + parts - 1) / parts;
        Parallel.For(0, parts, part =>
        {
            var first = part * per;
            var length = Math.Min(per, n - first);
            Sha256Batch.Hash(shared.Span, startArray.AsSpan(first, length), sizeArray.AsSpan(first, length), idArray.AsSpan(first, length));
        });
        idArray.CopyTo(ids);
    }

    // The distinct sender keys of the transactions (one array each, shared by that sender's transactions) and their
    // addresses, hashed together; keyOf[i] is transaction i's key number, -1 for a coinbase.
    private static (List<byte[]> Keys, Address[] Senders) SenderKeys(ReadOnlySpan<byte> data, ReadOnlySpan<TransactionLayout> layouts, ReadOnlySpan<int> starts, Span<int> keyOf)
    {
        var keys = new List<byte[]>();
        var keyStarts = new List<int>();
        var keyLengths = new List<int>();
        // By a hash of the key's bytes, seeded per process: a collision (the bytes differ) only costs a second copy.
        var byContent = new Dictionary<int, int>();
        for (var i = 0; i < layouts.Length; i++)
        {
            if (layouts[i].KeyLength == 0)
            {
                keyOf[i] = -1;
                continue;
            }

            var key = data.Slice(starts[i] + TransactionLayout.KeyOffset, layouts[i].KeyLength);
            var content = new HashCode();
            content.AddBytes(key);
            var hash = content.ToHashCode();
            if (byContent.TryGetValue(hash, out var known) && key.SequenceEqual(keys[known]))
            {
                keyOf[i] = known;
                continue;
            }

            keyOf[i] = keys.Count;
            byContent.TryAdd(hash, keys.Count);
            keys.Add(key.ToArray());
            keyStarts.Add(starts[i] + TransactionLayout.KeyOffset);
            keyLengths.Add(key.Length);
        }

        var digests = new Hash256[keys.Count];
        Sha256Batch.Hash(data, CollectionsMarshal.AsSpan(keyStarts), CollectionsMarshal.AsSpan(keyLengths), digests);
        var senders = new Address[keys.Count];
        Span<byte> digest = stackalloc byte[Hash256.Size];
        for (var k = 0; k < senders.Length; k++)
        {
            digests[k].WriteTo(digest);
            senders[k] = new Address(digest[..Address.Size]);
        }

        return (keys, senders);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Height} {Hash}";
}
