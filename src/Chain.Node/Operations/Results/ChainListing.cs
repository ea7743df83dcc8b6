namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>chain</c>: the last blocks, tip first.</summary>
public sealed record ChainListing(IReadOnlyList<ChainEntry> Blocks);
