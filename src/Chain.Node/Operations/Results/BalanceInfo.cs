namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>balance</c>: the confirmed balance in coins (invariant form, e.g. "12.5").</summary>
public sealed record BalanceInfo(string Address, string Balance);
