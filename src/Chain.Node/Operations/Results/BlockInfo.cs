namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>block</c>: the header and every transaction.</summary>
public sealed record BlockInfo(HeaderInfo Header, IReadOnlyList<TransactionInfo> Transactions);
