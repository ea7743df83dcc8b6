using System.Buffers.Binary;
using Chain.Core.Crypto;
using Chain.Core.Encoding;
using Chain.Core.Ledger;

namespace Chain.Core.Persistence;

/// <summary>
/// The chain state kept in a key-value store (the data folder's <see cref="FolderName"/>): accounts, the block index,
/// undo data, the tip, and the transaction and address indexes. Keys and values are laid out in ENCODING.md, "Chain
/// state store". The ledger builds one <see cref="WriteBatch"/> per connected or disconnected block with the methods
/// here and writes it in one <see cref="IKeyValueStore.Write"/>, after the block's bytes are durable in the block file.
/// </summary>
public sealed class ChainStateStore(IKeyValueStore store) : IDisposable
{
    /// <summary>Name of the store's folder inside the data folder.</summary>
    public const string FolderName = "chainstate";

    /// <summary>Version of the layout; a store of another version is rebuilt (<c>--reindex</c>).</summary>
    public const byte FormatVersion = 1;

    /// <summary>The position recorded for a block the block file does not hold (genesis, or a ledger without a file).</summary>
    public const long NoPosition = -1;

    internal const byte MetaKey = (byte)'m';
    internal const byte TipKey = (byte)'t';
    internal const byte FileKey = (byte)'f';
    internal const byte AccountPrefix = (byte)'a';
    internal const byte BlockPrefix = (byte)'b';
    internal const byte UndoPrefix = (byte)'u';
    internal const byte TransactionPrefix = (byte)'x';
    internal const byte HistoryPrefix = (byte)'h';

    // A block index value: the header's encoding (BlockHeader.Size for proof of work, longer when sealed), then this.
    private const int BlockValueTailSize = 4 + Address.Size + 8 + 8 + 1;
    private const int UndoItemSize = Address.Size + 1 + 16;
    private const int LocationSize = 12;
    private const byte InvalidFlag = 1;

    /// <summary>The key-value store underneath.</summary>
    public IKeyValueStore Store { get; } = store;

    /// <summary>What the store says about itself: its format, network and genesis, or null when it is empty.</summary>
    public (byte Version, uint Magic, Hash256 Genesis)? ReadMeta()
    {
        var value = Store.Get([MetaKey]);
        if (value is null)
        {
            return null;
        }

        if (value.Length != 1 + 4 + Hash256.Size)
        {
            return (0, 0, default);
        }

        return (value[0], BinaryPrimitives.ReadUInt32LittleEndian(value.AsSpan(1)), new Hash256(value.AsSpan(5)));
    }

    /// <summary>The tip recorded by the last connect or disconnect, or null.</summary>
    public (Hash256 Hash, uint Height)? ReadTip()
    {
        var value = Store.Get([TipKey]);
        return value is { Length: Hash256.Size + 4 } ? (new Hash256(value.AsSpan(0, Hash256.Size)), BinaryPrimitives.ReadUInt32LittleEndian(value.AsSpan(Hash256.Size))) : null;
    }

    /// <summary>
    /// The block file's last record the block index names (its position) and the end of that record: the store knows
    /// every block of the file before that end. (-1, 0) when it names none.
    /// </summary>
    public (long LastPosition, long End) ReadFileExtent()
    {
        var value = Store.Get([FileKey]);
        return value is { Length: 16 }
            ? (BinaryPrimitives.ReadInt64LittleEndian(value), BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(8)))
            : (NoPosition, 0);
    }

    /// <summary>The account's recorded state, or null when the store holds none for it.</summary>
    public AccountState? ReadAccount(Address address)
    {
        Span<byte> key = stackalloc byte[1 + Address.Size];
        key[0] = AccountPrefix;
        address.WriteTo(key[1..]);
        return Store.Get(key) is { } value ? DecodeAccount(address, value) : null;
    }

    /// <summary>Every block index entry recorded.</summary>
    public IEnumerable<StoredIndexEntry> ReadIndex()
    {
        foreach (var (key, value) in Store.Scan([BlockPrefix]))
        {
            BlockHeader header;
            try
            {
                header = key.Length == 1 + Hash256.Size && value.Length >= BlockHeader.Size + BlockValueTailSize
                    ? BlockHeader.Decode(value.AsSpan(0, value.Length - BlockValueTailSize))
                    : throw new FormatException($"{value.Length} bytes");
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"block index entry {Convert.ToHexStringLower(key)} is not a header and {BlockValueTailSize} bytes: {e.Message}");
            }

            var reader = new SpanReader(value.AsSpan(value.Length - BlockValueTailSize));
            var count = (int)reader.ReadUInt32();
            var recipient = new Address(reader.ReadBytes(Address.Size));
            var amount = reader.ReadInt64();
            var position = reader.ReadInt64();
            var flags = reader.ReadByte();
            yield return new StoredIndexEntry(new Hash256(key.AsSpan(1)), header, count, recipient, amount, position, (flags & InvalidFlag) != 0);
        }
    }

    /// <summary>What disconnecting the block must restore: each touched account's state before it (null: absent).</summary>
    public List<(Address Address, AccountState? Before)>? ReadUndo(Hash256 block)
    {
        var value = Store.Get(Key(UndoPrefix, block));
        if (value is null)
        {
            return null;
        }

        var reader = new SpanReader(value);
        var count = (int)reader.ReadUInt32();
        var changes = new List<(Address, AccountState?)>(count);
        for (var i = 0; i < count; i++)
        {
            var address = new Address(reader.ReadBytes(Address.Size));
            var existed = reader.ReadByte() != 0;
            var state = new AccountState(reader.ReadInt64(), reader.ReadUInt64());
            changes.Add((address, existed ? state : null));
        }

        return changes;
    }

    /// <summary>Where a best-chain transaction lies: its block, its index in it and its encoding's offset and length there.</summary>
    public TransactionLocation? FindTransaction(Hash256 id)
    {
        var value = Store.Get(Key(TransactionPrefix, id));
        if (value is not { Length: Hash256.Size + LocationSize })
        {
            return null;
        }

        var reader = new SpanReader(value);
        var block = new Hash256(reader.ReadBytes(Hash256.Size));
        return new TransactionLocation(block, (int)reader.ReadUInt32(), (int)reader.ReadUInt32(), (int)reader.ReadUInt32());
    }

    /// <summary>Whether a best-chain transaction has this id.</summary>
    public bool ContainsTransaction(Hash256 id) => Store.Get(Key(TransactionPrefix, id)) is not null;

    /// <summary>
    /// The best-chain blocks holding transactions that pay or are paid by <paramref name="address"/>, highest first, with
    /// those transactions' places in the block, in block order.
    /// </summary>
    public IEnumerable<(uint Height, List<(int Index, int Offset, int Length)> Transactions)> ReadHistory(Address address)
    {
        var prefix = new byte[1 + Address.Size];
        prefix[0] = HistoryPrefix;
        address.WriteTo(prefix.AsSpan(1));
        foreach (var (key, value) in Store.Scan(prefix, descending: true))
        {
            var height = BinaryPrimitives.ReadUInt32BigEndian(key.AsSpan(prefix.Length));
            var places = new List<(int, int, int)>(value.Length / LocationSize);
            for (var at = 0; at + LocationSize <= value.Length; at += LocationSize)
            {
                var span = value.AsSpan(at);
                places.Add(((int)BinaryPrimitives.ReadUInt32LittleEndian(span), (int)BinaryPrimitives.ReadUInt32LittleEndian(span[4..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(span[8..])));
            }

            yield return (height, places);
        }
    }

    /// <summary>Adds the meta entry naming the format, the network and its genesis.</summary>
    public static void PutMeta(WriteBatch batch, NetworkParameters network)
    {
        var value = new byte[1 + 4 + Hash256.Size];
        value[0] = FormatVersion;
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(1), network.Magic);
        network.Genesis.Hash.WriteTo(value.AsSpan(5));
        batch.Put([MetaKey], value);
    }

    /// <summary>
    /// Adds the block index entry of <paramref name="entry"/> and, for a block just appended to the file
    /// (<paramref name="recordLength"/> given, a position known), the file's extent ending with its record.
    /// </summary>
    public static void PutIndexEntry(WriteBatch batch, BlockIndex entry, int? recordLength)
    {
        var headerSize = entry.Header.EncodedSize;
        var value = new byte[headerSize + BlockValueTailSize];
        var writer = new SpanWriter(value);
        entry.Header.Encode(writer.Take(headerSize));
        writer.WriteUInt32((uint)entry.TransactionCount);
        entry.CoinbaseRecipient.WriteTo(writer.Take(Address.Size));
        writer.WriteInt64(entry.CoinbaseAmount);
        writer.WriteInt64(entry.Position);
        writer.WriteByte(entry.IsInvalid ? InvalidFlag : (byte)0);
        batch.Put(Key(BlockPrefix, entry.Hash), value);
        if (entry.Position >= 0 && recordLength is { } length)
        {
            var extent = new byte[16];
            BinaryPrimitives.WriteInt64LittleEndian(extent, entry.Position);
            BinaryPrimitives.WriteInt64LittleEndian(extent.AsSpan(8), entry.Position + length);
            batch.Put([FileKey], extent);
        }
    }

    /// <summary>Adds the state of an account (or its removal when <paramref name="state"/> is null).</summary>
    public static void PutAccount(WriteBatch batch, Address address, AccountState? state)
    {
        var key = new byte[1 + Address.Size];
        key[0] = AccountPrefix;
        address.WriteTo(key.AsSpan(1));
        if (state is { } value)
        {
            var bytes = new byte[16];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value.Balance);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), value.Nonce);
            batch.Put(key, bytes);
        }
        else
        {
            batch.Delete(key);
        }
    }

    /// <summary>Adds the tip marker.</summary>
    public static void PutTip(WriteBatch batch, BlockIndex tip)
    {
        var value = new byte[Hash256.Size + 4];
        tip.Hash.WriteTo(value);
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(Hash256.Size), tip.Height);
        batch.Put([TipKey], value);
    }

    /// <summary>Adds the undo record of a block (its removal when <paramref name="changes"/> is null).</summary>
    public static void PutUndo(WriteBatch batch, Hash256 block, List<(Address Address, AccountState? Before)>? changes)
    {
        var key = Key(UndoPrefix, block);
        if (changes is null)
        {
            batch.Delete(key);
            return;
        }

        var value = new byte[4 + (changes.Count * UndoItemSize)];
        var writer = new SpanWriter(value);
        writer.WriteUInt32((uint)changes.Count);
        foreach (var (address, before) in changes)
        {
            address.WriteTo(writer.Take(Address.Size));
            writer.WriteByte(before.HasValue ? (byte)1 : (byte)0);
            writer.WriteInt64(before?.Balance ?? 0);
            writer.WriteUInt64(before?.Nonce ?? 0);
        }

        batch.Put(key, value);
    }

    /// <summary>
    /// Adds (or, when <paramref name="remove"/>, removes) the transaction and address index entries of a best-chain block.
    /// </summary>
    public static void PutBlockTransactions(WriteBatch batch, BlockIndex entry, Block block, bool remove)
    {
        var txs = block.Transactions;
        var offset = block.Header.EncodedSize + 4;
        var touched = new Dictionary<Address, List<(int, int, int)>>();
        for (var i = 0; i < txs.Count; i++)
        {
            var tx = txs[i];
            var length = tx.EncodedSize;
            var place = (i, offset + 4, length);
            var key = Key(TransactionPrefix, tx.Id);
            if (remove)
            {
                batch.Delete(key);
            }
            else
            {
                var value = new byte[Hash256.Size + LocationSize];
                entry.Hash.WriteTo(value);
                WriteLocation(value.AsSpan(Hash256.Size), place);
                batch.Put(key, value);
            }

            Touch(touched, tx.Recipient, place);
            if (!tx.IsCoinbase && tx.Sender != tx.Recipient)
            {
                Touch(touched, tx.Sender, place);
            }

            offset += 4 + length;
        }

        foreach (var (address, places) in touched)
        {
            var key = new byte[1 + Address.Size + 4];
            key[0] = HistoryPrefix;
            address.WriteTo(key.AsSpan(1));
            BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(1 + Address.Size), entry.Height);
            if (remove)
            {
                batch.Delete(key);
                continue;
            }

            var value = new byte[places.Count * LocationSize];
            for (var i = 0; i < places.Count; i++)
            {
                WriteLocation(value.AsSpan(i * LocationSize), places[i]);
            }

            batch.Put(key, value);
        }
    }

    /// <inheritdoc />
    public void Dispose() => Store.Dispose();

    private static void Touch(Dictionary<Address, List<(int, int, int)>> touched, Address address, (int, int, int) place)
    {
        if (!touched.TryGetValue(address, out var places))
        {
            touched[address] = places = [];
        }

        places.Add(place);
    }

    private static void WriteLocation(Span<byte> destination, (int Index, int Offset, int Length) place)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)place.Index);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)place.Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)place.Length);
    }

    private static AccountState DecodeAccount(Address address, byte[] value) =>
        value.Length == 16
            ? new AccountState(BinaryPrimitives.ReadInt64LittleEndian(value), BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(8)))
            : throw new ChainStateStoreException($"the chain state store's entry for account {address} is {value.Length} bytes, not 16; start with --reindex");

    private static byte[] Key(byte prefix, Hash256 hash)
    {
        var key = new byte[1 + Hash256.Size];
        key[0] = prefix;
        hash.WriteTo(key.AsSpan(1));
        return key;
    }
}
