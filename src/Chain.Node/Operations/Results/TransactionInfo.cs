namespace Chain.Node.Operations.Results;

/// <summary>
/// One transaction. Amounts are coins in invariant form; <see cref="Sender"/> is null and <see cref="Nonce"/> is the
/// block height for a coinbase.
/// </summary>
public sealed record TransactionInfo(string Id, bool Coinbase, string? Sender, string Recipient, string Amount, string Fee, ulong Nonce);
