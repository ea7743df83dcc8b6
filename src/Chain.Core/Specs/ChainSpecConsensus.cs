namespace Chain.Core.Specs;

/// <summary>
/// The <c>consensus</c> section: <c>engine</c> is <c>pow</c> (with <c>powLimitBits</c>, <c>targetBlockSeconds</c>,
/// <c>retargetInterval</c>) or <c>poa</c> (with <c>signers</c>, <c>periodSeconds</c>, <c>epoch</c>); the other
/// engine's members must be absent.
/// </summary>
public sealed class ChainSpecConsensus
{
    /// <summary><c>pow</c> or <c>poa</c>.</summary>
    public string? Engine { get; set; }

    /// <summary>Proof of work: the easiest target in compact form, as hexadecimal (<c>0x1f00ffff</c>); also the genesis block's.</summary>
    public string? PowLimitBits { get; set; }

    /// <summary>Proof of work: desired seconds between blocks.</summary>
    public int? TargetBlockSeconds { get; set; }

    /// <summary>Proof of work: blocks between difficulty adjustments; 0 keeps the difficulty fixed.</summary>
    public int? RetargetInterval { get; set; }

    /// <summary>Proof of authority: the signers authorised at genesis (address text, or 40 hex), in turn order.</summary>
    public List<string>? Signers { get; set; }

    /// <summary>Proof of authority: least seconds between a block and its parent.</summary>
    public int? PeriodSeconds { get; set; }

    /// <summary>Proof of authority: blocks between checkpoints.</summary>
    public int? Epoch { get; set; }
}
