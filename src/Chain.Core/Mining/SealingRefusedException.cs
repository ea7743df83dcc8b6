namespace Chain.Core.Mining;

/// <summary>
/// This node may not seal on the proof-of-authority network: its key is not an authorised signer at the tip. The
/// message says why, for the console and the log.
/// </summary>
public sealed class SealingRefusedException : Exception
{
    /// <summary>Creates the exception with the reason.</summary>
    public SealingRefusedException(string message)
        : base(message)
    {
    }
}
