namespace Chain.Core.Consensus;

/// <summary>Whether and when a signer may seal the next block (see <see cref="PoaEngine.Schedule"/>).</summary>
/// <param name="MaySeal">Whether the signer may seal it at all.</param>
/// <param name="Timestamp">The earliest header timestamp (Unix seconds): the parent's plus the period.</param>
/// <param name="Delay">How long after <paramref name="Timestamp"/> the signer waits: zero in turn, the wiggle out of turn.</param>
/// <param name="Reason">Why it may not seal; empty when it may.</param>
public readonly record struct SealSchedule(bool MaySeal, long Timestamp, TimeSpan Delay, string Reason)
{
    /// <summary>A refusal naming why.</summary>
    public static SealSchedule Refused(string reason) => new(false, 0, TimeSpan.Zero, reason);
}
