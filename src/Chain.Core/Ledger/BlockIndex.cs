using Chain.Core.Crypto;

namespace Chain.Core.Ledger;

/// <summary>A block's place in the block tree: its parent, height and the cumulative work up to it.</summary>
public sealed class BlockIndex
{
    internal BlockIndex(Block block, BlockIndex? parent)
    {
        Block = block;
        Parent = parent;
        CumulativeWork = (parent?.CumulativeWork ?? UInt128.Zero) + Target.Work(block.Header.Bits);
    }

    /// <summary>The block.</summary>
    public Block Block { get; }

    /// <summary>The parent entry; null for genesis.</summary>
    public BlockIndex? Parent { get; }

    /// <summary>The block hash.</summary>
    public Hash256 Hash => Block.Hash;

    /// <summary>The height.</summary>
    public uint Height => Block.Height;

    /// <summary>The header.</summary>
    public BlockHeader Header => Block.Header;

    /// <summary>Sum of the work of this block and all its ancestors.</summary>
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
