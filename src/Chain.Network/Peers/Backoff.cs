namespace Chain.Network.Peers;

/// <summary>Exponential backoff with jitter for redialling a lost neighbour.</summary>
internal static class Backoff
{
    private const int MaxDoublings = 30;

    /// <summary>
    /// The delay before retry number <paramref name="attempt"/> (0-based): the ceiling min(max, initial · 2^attempt),
    /// drawn uniformly from its upper half so peers that lost the same neighbour do not redial in lockstep.
    /// </summary>
    public static TimeSpan Compute(int attempt, TimeSpan initial, TimeSpan max, Random random)
    {
        var ceiling = Math.Min(max.Ticks, initial.Ticks * Math.Pow(2, Math.Clamp(attempt, 0, MaxDoublings)));
        return TimeSpan.FromTicks((long)((ceiling / 2) + (random.NextDouble() * ceiling / 2)));
    }
}
