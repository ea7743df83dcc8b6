namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>decode</c>: <see cref="Kind"/> is <c>transaction</c> or <c>block</c>, and that one is set.</summary>
public sealed record DecodedData(string Kind, TransactionInfo? Transaction, BlockInfo? Block);
