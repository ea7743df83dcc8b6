namespace Chain.Core.Ledger;

/// <summary>The outcome of submitting a block, with how the best chain changed.</summary>
public sealed record BlockResult(BlockStatus Status, BlockError Error, string Message)
{
    /// <summary>Blocks removed from the best chain, tip first.</summary>
    public IReadOnlyList<Block> Disconnected { get; init; } = [];

    /// <summary>Blocks added to the best chain, in height order (may include orphans the block adopted).</summary>
    public IReadOnlyList<Block> Connected { get; init; } = [];

    /// <summary>Whether the block was accepted (connected, side chain, orphan or held).</summary>
    public bool Accepted => Status is BlockStatus.Connected or BlockStatus.SideChain or BlockStatus.Orphan or BlockStatus.Held;

    internal static BlockResult Invalid(BlockError error, string message) => new(BlockStatus.Invalid, error, message);
}
