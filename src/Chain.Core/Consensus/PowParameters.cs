namespace Chain.Core.Consensus;

/// <summary>Proof of work: SHA-256 of the header below a target that retargets toward a block time.</summary>
/// <param name="PowLimitBits">The easiest target allowed (compact form), and the genesis block's.</param>
/// <param name="TargetBlockSeconds">Desired seconds between blocks.</param>
/// <param name="RetargetInterval">Blocks between difficulty adjustments; 0 keeps the difficulty fixed.</param>
public sealed record PowParameters(uint PowLimitBits, int TargetBlockSeconds, int RetargetInterval) : ConsensusParameters
{
    /// <summary>The name in a chain spec.</summary>
    public const string Name = "pow";

    /// <inheritdoc />
    public override string Engine => Name;
}
