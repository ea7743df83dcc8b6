namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>quit</c>: the node is stopping.</summary>
public sealed record StopInfo(bool Stopping);
