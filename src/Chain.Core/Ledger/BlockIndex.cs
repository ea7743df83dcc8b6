using Chain.Core.Crypto;

namespace Chain.Core.Ledger;

/// <summary>
/// A block's place in the block tree: its header, parent, height and the cumulative work up to it. The body is held
/// only until the block is stored; then it is read through the bounded <see cref="BlockBodyCache"/> when asked for.
/// </summary>
public sealed class BlockIndex
{
    private Block? _block;
    private BlockBodyCache? _bodies;

    // A proof-of-work block (tests build branches so); the ledger passes its engine's work.
    internal BlockIndex(Block block, BlockIndex? parent)
        : this(block, parent, Target.Work(block.Header.Bits))
    {
    }

    internal BlockIndex(Block block, BlockIndex? parent, UInt128 work)
        : this(
            block.Header,
            parent,
            work,
            block.Transactions.Count,
            block.Transactions.Count > 0 ? block.Transactions[0].Recipient : Address.Zero,
            block.Transactions.Count > 0 ? block.Transactions[0].Amount : 0)
    {
        _block = block;
    }

    internal BlockIndex(BlockHeader header, BlockIndex? parent, UInt128 work, int transactionCount, Address coinbaseRecipient, long coinbaseAmount)
    {
        Header = header;
        Parent = parent;
        TransactionCount = transactionCount;
        CoinbaseRecipient = coinbaseRecipient;
        CoinbaseAmount = coinbaseAmount;
        CumulativeWork = (parent?.CumulativeWork ?? UInt128.Zero) + work;
    }

    /// <summary>The block: held in memory until it is stored, then from the cache of recent blocks or read from disk.</summary>
    public Block Block => Volatile.Read(ref _block) ?? _bodies!.Get(this);

    /// <summary>
    /// The block's encoding (ENCODING.md): of the body in memory, else read from disk without decoding the transactions.
    /// </summary>
    public byte[] EncodeBlock() => Volatile.Read(ref _block) is { } block ? block.Encode() : _bodies!.GetEncoded(this);

    /// <summary>The parent entry; null for genesis.</summary>
    public BlockIndex? Parent { get; }

    /// <summary>The block hash.</summary>
    public Hash256 Hash => Header.Hash;

    /// <summary>The height.</summary>
    public uint Height => Header.Height;

    /// <summary>The header.</summary>
    public BlockHeader Header { get; }

    /// <summary>Number of transactions in the block, the coinbase included.</summary>
    public int TransactionCount { get; }

    /// <summary>Whom the block's coinbase pays.</summary>
    public Address CoinbaseRecipient { get; }

    /// <summary>What the block's coinbase pays, in units.</summary>
    public long CoinbaseAmount { get; }

    /// <summary>The block's record in the block file, or -1 when the file does not hold it.</summary>
    public long Position { get; private set; } = -1;

    /// <summary>The body when it is in memory (held, or in the cache of recent blocks), else null.</summary>
    public Block? LoadedBlock => Volatile.Read(ref _block) ?? _bodies?.TryGet(Hash);

    /// <summary>Whether the block index entry has been written to the chain state store.</summary>
    internal bool IsIndexed { get; set; }

    // The block is stored at position: from now on its body comes from bodies (which keeps it while it is recent).
    internal void SetStored(long position, BlockBodyCache? bodies)
    {
        Position = position;
        if (position < 0 || bodies is null)
        {
            return;
        }

        if (Volatile.Read(ref _block) is { } block)
        {
            bodies.Add(block);
        }

        _bodies = bodies;
        Volatile.Write(ref _block, null);
    }

    /// <summary>Sum of the work (the consensus engine's weight) of this block and all its ancestors: fork choice prefers the most.</summary>
    public UInt128 CumulativeWork { get; }

    /// <summary>Set once the block failed validation while being connected; it and its descendants are never used.</summary>
    public bool IsInvalid { get; internal set; }

    /// <summary>The ancestor at <paramref name="height"/> (this entry at its own height).</summary>
    public BlockIndex? GetAncestor(uint height)
    {
        var entry = this;
        while (entry is not null && entry.Height > height)
        {
            entry = entry.Parent;
        }

        return entry is not null && entry.Height == height ? entry : null;
    }

    /// <summary>The median timestamp of this block and up to 10 ancestors.</summary>
    public long MedianTimePast()
    {
        Span<long> times = stackalloc long[NetworkParameters.MedianTimeSpan];
        var count = 0;
        for (var entry = this; entry is not null && count < times.Length; entry = entry.Parent)
        {
            times[count++] = entry.Header.Timestamp;
        }

        var used = times[..count];
        used.Sort();
        return used[count / 2];
    }

    /// <inheritdoc />
    public override string ToString() => $"{Height} {Hash}";
}
