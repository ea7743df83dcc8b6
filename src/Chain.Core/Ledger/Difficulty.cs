using System.Numerics;
using Chain.Core.Consensus;

namespace Chain.Core.Ledger;

/// <summary>
/// The target a block must carry. On a network with a retarget interval N, every N-th block rescales the
/// parent's target by (time spanned by the last N blocks) / ((N - 1) × target block time): the timestamps of
/// N blocks enclose N - 1 block intervals, so blocks exactly on schedule leave the target unchanged. The
/// ratio is clamped to [1/4, 4] so one step moves the difficulty at most ×4 or ÷4, and the target is never
/// easier than the network's limit. Between adjustments, and on a network without retargeting, the target
/// stays the parent's. The first block of a window (its height a multiple of N) may not be timestamped before its
/// parent (BIP 54's rule, with no grace): the span between windows is never measured, so without the rule a miner
/// could date each window's last block ahead and the next window's first back, and every window would look slow
/// (the time-warp attack). With it the windows' spans add up to at most the real elapsed time plus the two hours a
/// timestamp may lie ahead.
/// </summary>
public static class Difficulty
{
    /// <summary>Largest factor one adjustment may change the target by.</summary>
    public const int MaxAdjustmentFactor = 4;

    /// <summary>Whether the block at <paramref name="height"/> is the first of a difficulty window (where the target may change).</summary>
    public static bool StartsWindow(NetworkParameters network, uint height) => StartsWindow(Pow(network), height);

    /// <summary>Whether the block at <paramref name="height"/> is the first of a difficulty window (where the target may change).</summary>
    public static bool StartsWindow(PowParameters pow, uint height) =>
        pow.RetargetInterval != 0 && height % (uint)pow.RetargetInterval == 0;

    /// <summary>The compact target required of the child of <paramref name="parent"/> on a proof-of-work network.</summary>
    public static uint NextBits(NetworkParameters network, BlockIndex parent) => NextBits(Pow(network), parent);

    /// <summary>The compact target required of the child of <paramref name="parent"/>.</summary>
    public static uint NextBits(PowParameters pow, BlockIndex parent)
    {
        if (pow.RetargetInterval == 0)
        {
            return pow.PowLimitBits;
        }

        var height = parent.Height + 1;
        if (height % (uint)pow.RetargetInterval != 0)
        {
            return parent.Header.Bits;
        }

        var first = parent.GetAncestor(height - (uint)pow.RetargetInterval)
            ?? throw new InvalidOperationException("The retarget window reaches below genesis.");
        // first..parent are N blocks, so their timestamps span N - 1 intervals (Bitcoin compares them with
        // N intervals, which biases the block time by N / (N - 1): 11% with N = 10).
        var expected = (long)(pow.RetargetInterval - 1) * pow.TargetBlockSeconds;
        var actual = Math.Clamp(parent.Header.Timestamp - first.Header.Timestamp, expected / MaxAdjustmentFactor, expected * MaxAdjustmentFactor);
        var target = Target.Expand(parent.Header.Bits) * actual / expected;
        var limit = Target.Expand(pow.PowLimitBits);
        return Target.Compress(BigInteger.Min(target, limit));
    }

    private static PowParameters Pow(NetworkParameters network) =>
        network.Consensus as PowParameters
            ?? throw new InvalidOperationException($"Network {network.Name} does not run proof of work.");
}
