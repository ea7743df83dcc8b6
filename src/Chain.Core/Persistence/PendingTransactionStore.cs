using Chain.Core.Ledger;
using Chain.Core.Mempool;

namespace Chain.Core.Persistence;

/// <summary>
/// The node's own pending transactions, kept across restarts in <see cref="FileName"/> in the data folder.
/// Each <see cref="Save"/> replaces the whole file through <see cref="AtomicFile.Write"/>. The store checks
/// only the encoding; the mempool re-validates whatever it loads.
/// </summary>
/// <remarks>
/// <para>
/// Format: records framed as in <see cref="BlockFile"/> with magic <see cref="Magic"/>
/// (<c>magic:u32 | length:u32 | checksum:4 | payload</c>), one per transaction, the payload being
/// <see cref="Transaction.Encode()"/>.
/// </para>
/// <para>
/// A corrupt file raises <see cref="StoreCorruptException"/> naming it rather than being ignored: the file is
/// written atomically, so no crash of the node can damage it, and what it holds are payments the user signed
/// that may exist nowhere else (the node may have had no peer to relay them to). Dropping them silently would
/// lose payments the user believes pending; the caller decides (log and move the file aside, or stop).
/// </para>
/// </remarks>
public sealed class PendingTransactionStore
{
    /// <summary>Name of the file inside the data folder.</summary>
    public const string FileName = "pending.dat";

    /// <summary>Record magic: the ASCII bytes <c>CPTX</c>.</summary>
    public const uint Magic = 0x5854_5043;

    /// <summary>
    /// Most transactions the file holds: as many as a mempool of the default capacity holds, so every pending
    /// transaction of the wallet fits (one sender may fill the mempool).
    /// </summary>
    public const int MaxTransactions = TransactionPool.DefaultCapacity;

    /// <summary>Largest file accepted, checked before reading it.</summary>
    public const long MaxFileSize = (long)MaxTransactions * (RecordFormat.HeaderSize + Transaction.MaxEncodedSize);

    private readonly Lock _gate = new();

    /// <summary>Uses <see cref="FileName"/> in <paramref name="dataDirectory"/> (created on the first save).</summary>
    public PendingTransactionStore(string dataDirectory)
    {
        FilePath = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
    }

    /// <summary>Full path of the file.</summary>
    public string FilePath { get; }

    /// <summary>
    /// Replaces the saved set with the first <see cref="MaxTransactions"/> of <paramref name="transactions"/>,
    /// atomically and durably. Pass them in nonce order: the ones left out are then the last, which cannot be
    /// mined before the saved ones anyway. Returns how many were left out (0 unless more than the cap were given).
    /// </summary>
    public int Save(IEnumerable<Transaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        using var content = new MemoryStream();
        var count = 0;
        var leftOut = 0;
        foreach (var tx in transactions)
        {
            // More than the file holds is something a user can cause (a mempool built with a larger capacity):
            // save what fits rather than fail the save, and so the send that triggered it.
            if (count == MaxTransactions)
            {
                leftOut++;
                continue;
            }

            count++;
            content.Write(RecordFormat.Encode(Magic, tx.Encode()));
        }

        lock (_gate)
        {
            AtomicFile.Write(FilePath, content.GetBuffer().AsSpan(0, (int)content.Length));
        }

        return leftOut;
    }

    /// <summary>
    /// The saved transactions in saved order; none if the file does not exist. Throws
    /// <see cref="StoreCorruptException"/> naming the file if it is not a valid pending file.
    /// </summary>
    public IReadOnlyList<Transaction> Load()
    {
        byte[] content;
        lock (_gate)
        {
            if (!File.Exists(FilePath))
            {
                return [];
            }

            using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > MaxFileSize)
            {
                throw new StoreCorruptException(FilePath, 0, $"file of {stream.Length} bytes exceeds {MaxFileSize}.");
            }

            content = new byte[stream.Length];
            stream.ReadExactly(content);
        }

        return Decode(content, FilePath);
    }

    /// <summary>Decodes a pending file's content; throws <see cref="StoreCorruptException"/> naming <paramref name="filePath"/>.</summary>
    internal static IReadOnlyList<Transaction> Decode(ReadOnlySpan<byte> content, string filePath)
    {
        var transactions = new List<Transaction>();
        var offset = 0;
        while (offset < content.Length)
        {
            if (content.Length - offset < RecordFormat.HeaderSize)
            {
                throw new StoreCorruptException(filePath, offset, "incomplete record header.");
            }

            var header = content.Slice(offset, RecordFormat.HeaderSize);
            var (magic, length) = RecordFormat.ReadHeader(header);
            if (magic != Magic)
            {
                throw new StoreCorruptException(filePath, offset, "not a pending transaction record.");
            }

            if (length > Transaction.MaxEncodedSize || length > (uint)(content.Length - offset - RecordFormat.HeaderSize))
            {
                throw new StoreCorruptException(filePath, offset, $"record length {length} is out of bounds.");
            }

            var payload = content.Slice(offset + RecordFormat.HeaderSize, (int)length);
            if (!RecordFormat.ChecksumMatches(header, payload))
            {
                throw new StoreCorruptException(filePath, offset, "record fails its checksum.");
            }

            if (transactions.Count == MaxTransactions)
            {
                throw new StoreCorruptException(filePath, offset, $"more than {MaxTransactions} transactions.");
            }

            try
            {
                transactions.Add(Transaction.Decode(payload));
            }
            catch (FormatException ex)
            {
                throw new StoreCorruptException(filePath, offset, $"record is not a transaction: {ex.Message}", ex);
            }

            offset += RecordFormat.HeaderSize + (int)length;
        }

        return transactions;
    }
}
