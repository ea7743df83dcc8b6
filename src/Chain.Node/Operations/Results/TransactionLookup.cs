namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>tx</c>: the transaction, <c>pending</c> or <c>confirmed</c>, and its block when confirmed.</summary>
public sealed record TransactionLookup(TransactionInfo Transaction, string Status, uint? Height, string? Block);
