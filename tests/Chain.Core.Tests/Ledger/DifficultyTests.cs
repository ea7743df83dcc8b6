using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Tests.Ledger;

public class DifficultyTests
{
    private static readonly NetworkParameters Main = NetworkParameters.Main;
    private const uint Harder = 0x1e00ffff; // 256 times harder than Main's limit

    // A main-network block tree with the given bits and gaps between timestamps; proof of work is not
    // needed because NextBits only reads headers.
    private static BlockIndex Chain(int blocks, uint bits, Func<int, long> secondsBefore)
    {
        var entry = new BlockIndex(Main.Genesis, null);
        var time = Main.GenesisTimestamp;
        for (var height = 1; height <= blocks; height++)
        {
            time += secondsBefore(height);
            var header = new BlockHeader(BlockHeader.CurrentVersion, (uint)height, entry.Hash, Hash256.Zero, time, bits, 0);
            entry = new BlockIndex(new Block(header, []), entry);
        }

        return entry;
    }

    [Fact]
    public void NextBits_Dev_AlwaysPowLimit()
    {
        var parent = new BlockIndex(NetworkParameters.Dev.Genesis, null);

        Assert.Equal(NetworkParameters.Dev.PowLimitBits, Difficulty.NextBits(NetworkParameters.Dev, parent));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(18)]
    public void NextBits_NotRetargetHeight_ParentBits(int parentHeight)
    {
        // Blocks far too fast: a retarget would change the bits, but this height does not retarget.
        var parent = Chain(parentHeight, Harder, _ => 1);

        Assert.Equal(Harder, Difficulty.NextBits(Main, parent));
    }

    [Theory]
    [InlineData(9)]
    [InlineData(19)]
    [InlineData(29)]
    public void NextBits_RetargetWindowOnSchedule_Unchanged(int parentHeight)
    {
        var parent = Chain(parentHeight, Harder, _ => Main.TargetBlockSeconds);

        Assert.Equal(Harder, Difficulty.NextBits(Main, parent));
    }

    [Fact]
    public void NextBits_BlocksTwiceAsFast_TargetHalved()
    {
        var parent = Chain(9, Harder, _ => Main.TargetBlockSeconds / 2);

        Assert.Equal(0x1d7fff80u, Difficulty.NextBits(Main, parent));
        Assert.Equal(Target.Expand(Harder) / 2, Target.Expand(0x1d7fff80));
    }

    [Fact]
    public void NextBits_BlocksTwiceAsSlow_TargetDoubled()
    {
        var parent = Chain(19, Harder, _ => Main.TargetBlockSeconds * 2);

        Assert.Equal(0x1e01fffeu, Difficulty.NextBits(Main, parent));
        Assert.Equal(Target.Expand(Harder) * 2, Target.Expand(0x1e01fffe));
    }

    [Fact]
    public void NextBits_OnlyTheLastWindowCounts_EarlierTimesIgnored()
    {
        // The first window is very slow, the second on schedule: the retarget at 20 sees only the second.
        var parent = Chain(19, Harder, h => h < 10 ? 3_600 : Main.TargetBlockSeconds);

        Assert.Equal(Harder, Difficulty.NextBits(Main, parent));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(0L)]
    [InlineData(-100L)] // timestamps may go backwards within the median rule
    public void NextBits_BlocksFarTooFast_ClampedToQuarterTarget(long seconds)
    {
        var parent = Chain(9, Harder, _ => seconds);

        Assert.Equal(0x1d3fffc0u, Difficulty.NextBits(Main, parent));
        Assert.Equal(Target.Expand(Harder) / 4, Target.Expand(0x1d3fffc0));
    }

    [Fact]
    public void NextBits_BlocksFarTooSlow_ClampedToFourTimesTarget()
    {
        var parent = Chain(9, Harder, _ => 3_600);

        Assert.Equal(0x1e03fffcu, Difficulty.NextBits(Main, parent));
        Assert.Equal(Target.Expand(Harder) * 4, Target.Expand(0x1e03fffc));
    }

    [Fact]
    public void NextBits_SlowBlocksAtLimit_NeverEasierThanPowLimit()
    {
        var atLimit = Chain(9, Main.PowLimitBits, _ => 3_600);
        var nearLimit = Chain(9, 0x1e7fffff, _ => 3_600);

        Assert.Equal(Main.PowLimitBits, Difficulty.NextBits(Main, atLimit));
        Assert.Equal(Main.PowLimitBits, Difficulty.NextBits(Main, nearLimit));
    }
}
