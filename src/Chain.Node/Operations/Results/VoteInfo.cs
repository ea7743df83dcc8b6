namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>vote</c>: what this signer now proposes in its next sealed blocks (<c>none</c> after <c>vote clear</c>).</summary>
/// <param name="Candidate">The address voted on (empty when none).</param>
/// <param name="Vote"><c>add</c>, <c>remove</c> or <c>none</c>.</param>
public sealed record VoteInfo(string Candidate, string Vote);
