namespace Chain.Core.Ledger;

/// <summary>How the best chain moved: the new tip, and the blocks that left (tip first) and joined (in height order).</summary>
public sealed record ChainUpdate(BlockIndex Tip, IReadOnlyList<Block> Disconnected, IReadOnlyList<Block> Connected);
