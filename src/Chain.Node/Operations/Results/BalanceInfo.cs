namespace Chain.Node.Operations.Results;

/// <summary>
/// Answer of <c>balance</c>, in coins (invariant form, e.g. "12.5"): the confirmed balance the next block may spend,
/// and the immature coinbase rewards not yet in it (they join it as blocks are mined on top); <paramref name="Nonce"/>
/// is the nonce the address's next confirmed transfer must carry (how many it has sent).
/// </summary>
public sealed record BalanceInfo(string Address, string Balance, string Immature, ulong Nonce);
