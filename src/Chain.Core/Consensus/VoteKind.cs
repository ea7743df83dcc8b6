namespace Chain.Core.Consensus;

/// <summary>What a proof-of-authority header proposes for its candidate (one byte in the sealed header).</summary>
public enum VoteKind : byte
{
    /// <summary>No vote; the candidate is the zero address.</summary>
    None = 0,

    /// <summary>Authorise the candidate as a signer.</summary>
    Add = 1,

    /// <summary>Deauthorise the candidate.</summary>
    Remove = 2,
}
