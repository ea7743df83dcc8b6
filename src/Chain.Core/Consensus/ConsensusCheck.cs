using Chain.Core.Ledger;

namespace Chain.Core.Consensus;

/// <summary>The outcome of one consensus check on a header: <see cref="BlockError.None"/> when it passes, else why not.</summary>
/// <param name="Error">Why the header is refused, or <see cref="BlockError.None"/>.</param>
/// <param name="Message">Details for logs and peers; empty when the header passes.</param>
public readonly record struct ConsensusCheck(BlockError Error, string Message)
{
    /// <summary>The check passed.</summary>
    public static ConsensusCheck Valid => new(BlockError.None, string.Empty);

    /// <summary>Whether the check passed.</summary>
    public bool IsValid => Error == BlockError.None;
}
