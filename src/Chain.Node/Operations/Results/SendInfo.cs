namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>send</c> and <c>sendraw</c>: the id of the transaction accepted into the mempool.</summary>
public sealed record SendInfo(string Id);
