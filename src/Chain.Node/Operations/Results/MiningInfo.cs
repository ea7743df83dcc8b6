namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>mining</c>: whether continuous mining is now on.</summary>
public sealed record MiningInfo(bool Mining);
