using Chain.Core.Crypto;

namespace Chain.Core.Consensus;

/// <summary>
/// Proof of authority (after Clique, EIP-225): blocks sealed by one of a set of authorised signers, at most one
/// block every <paramref name="PeriodSeconds"/>, the signer set changed by votes and restated every
/// <paramref name="Epoch"/> blocks.
/// </summary>
/// <param name="Signers">The signers authorised at genesis; turns follow ascending address order, whatever the order listed (PROTOCOL.md).</param>
/// <param name="PeriodSeconds">Least number of seconds between a block and its parent.</param>
/// <param name="Epoch">Blocks between checkpoints, which list the signers and reset pending votes.</param>
public sealed record PoaParameters(IReadOnlyList<Address> Signers, int PeriodSeconds, int Epoch) : ConsensusParameters
{
    /// <summary>The name in a chain spec.</summary>
    public const string Name = "poa";

    /// <inheritdoc />
    public override string Engine => Name;
}
