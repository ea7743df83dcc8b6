namespace Chain.Core.Ledger;

/// <summary>What became of a submitted block.</summary>
public enum BlockStatus
{
    /// <summary>Valid and now part of the best chain (the tip moved).</summary>
    Connected,

    /// <summary>Valid as far as can be checked, stored on a branch with no more work than the best chain.</summary>
    SideChain,

    /// <summary>Its parent is unknown; held in the orphan pool until the parent arrives.</summary>
    Orphan,

    /// <summary>
    /// Its branch has less work than the best chain, so it cannot move the tip: held unvalidated (header, context and
    /// transfers checked; no signatures, no state) and unstored in the bounded orphan pool until blocks building on it
    /// give its branch at least the tip's work. It is not in the block tree; a peer sending it is not at fault.
    /// </summary>
    Held,

    /// <summary>Already known.</summary>
    Duplicate,

    /// <summary>Refused; see the error.</summary>
    Invalid,
}
