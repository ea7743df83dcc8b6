using Chain.Core.Crypto;

namespace Chain.Core.Consensus;

/// <summary>A signer's proposal carried in a sealed header: add or remove <paramref name="Candidate"/>, or nothing.</summary>
/// <param name="Candidate">The address voted on (zero when <paramref name="Kind"/> is <see cref="VoteKind.None"/>).</param>
/// <param name="Kind">Add, remove, or none.</param>
public readonly record struct SignerVote(Address Candidate, VoteKind Kind)
{
    /// <summary>No vote.</summary>
    public static SignerVote None => default;
}
