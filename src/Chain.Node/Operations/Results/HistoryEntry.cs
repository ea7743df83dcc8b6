namespace Chain.Node.Operations.Results;

/// <summary>
/// One confirmed transaction of an address: the signed change of its balance in coins (<c>+12.5</c>, <c>-13</c>) and
/// the other party (<c>coinbase</c> for a block reward).
/// </summary>
public sealed record HistoryEntry(uint Height, string Id, string Change, string Counterparty);
