namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>mempool</c>: the transactions waiting for a block.</summary>
public sealed record MempoolListing(IReadOnlyList<TransactionInfo> Transactions);
