namespace Chain.Node.Operations.Results;

/// <summary>
/// The seal of a proof-of-authority header: who sealed it, what it votes (<c>add</c> or <c>remove</c>, and whom; both
/// null without a vote), and at a checkpoint the signers it lists (else null). Addresses in the network's text form.
/// </summary>
public sealed record SealInfo(string Signer, string? Vote, string? Candidate, IReadOnlyList<string>? Checkpoint);
