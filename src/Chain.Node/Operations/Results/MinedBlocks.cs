namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>mine</c>: the blocks mined, in order.</summary>
public sealed record MinedBlocks(IReadOnlyList<MinedBlock> Blocks);
