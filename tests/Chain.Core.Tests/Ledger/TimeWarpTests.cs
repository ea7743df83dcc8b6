using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Chain.Core.Tests.Ledger;

/// <summary>The time-warp attack on main: each window's last block dated ahead, the next window's first dated back.</summary>
public class TimeWarpTests
{
    private static readonly NetworkParameters Main = NetworkParameters.Main;
    private static readonly Address Miner = Address.Parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

    // One block every second of simulated time (the clock follows), so honest windows raise the difficulty.
    private sealed class Simulation
    {
        public Simulation()
        {
            Clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Main.GenesisTimestamp));
            Chain = new Blockchain(Main, Clock);
        }

        public FakeTimeProvider Clock { get; }

        public Blockchain Chain { get; }

        public long Now => Clock.GetUtcNow().ToUnixTimeSeconds();

        public BlockResult Submit(long timestamp) =>
            Chain.SubmitBlock(TestChain.Build(Chain.Tip, Miner, network: Main, timestamp: timestamp));

        public long Honest() => Math.Max(Now, Chain.Tip.MedianTimePast() + 1);

        public void Tick() => Clock.Advance(TimeSpan.FromSeconds(1));

        public BlockIndex Tip() => Chain.Tip;
    }

    [Fact]
    public void SubmitBlock_WindowStartDatedBeforeItsParent_TimeWarp()
    {
        // Failed before the fix: the block was connected.
        var sim = new Simulation();
        for (var height = 1; height < Main.RetargetInterval; height++)
        {
            sim.Tick();
            var timestamp = height == Main.RetargetInterval - 1 ? sim.Now + 3_600 : sim.Honest();
            Assert.Equal(BlockStatus.Connected, sim.Submit(timestamp).Status);
        }

        sim.Tick();
        var parentTime = sim.Chain.Tip.Header.Timestamp;
        var back = sim.Submit(sim.Honest());

        Assert.Equal(BlockStatus.Invalid, back.Status);
        Assert.Equal(BlockError.TimeWarp, back.Error);
        Assert.Equal(BlockStatus.Connected, sim.Submit(parentTime).Status);
    }

    [Fact]
    public void TimeWarpAttack_MinedForThreeWindows_DifficultyDoesNotCollapse()
    {
        // The attacker dates each window's last block as far ahead as allowed (two hours) and tries to date the next window's first block
        // back to the real time; where that is refused it uses the earliest time allowed. Before the fix every window
        // looked four times too slow and the target fell to the limit for good; now the lead bought once by dating
        // ahead is spent once and honest fast blocks raise it again (limit at 20, 4x at 30, 16x at 40; before: the limit at each).
        var sim = new Simulation();
        var interval = (uint)Main.RetargetInterval;
        var limit = Target.Expand(Main.PowLimitBits);
        for (uint height = 1; height <= 4 * interval; height++)
        {
            sim.Tick();
            if (height % interval == interval - 1 && height > interval)
            {
                Assert.Equal(BlockStatus.Connected, sim.Submit(sim.Now + NetworkParameters.MaxFutureSeconds).Status);
            }
            else if (Difficulty.StartsWindow(Main, height) && sim.Submit(sim.Honest()).Status != BlockStatus.Connected)
            {
                Assert.Equal(BlockStatus.Connected, sim.Submit(Math.Max(sim.Honest(), sim.Tip().Header.Timestamp)).Status);
            }
            else if (!Difficulty.StartsWindow(Main, height))
            {
                Assert.Equal(BlockStatus.Connected, sim.Submit(sim.Honest()).Status);
            }
        }

        Assert.Equal(4 * interval, sim.Chain.Tip.Height);
        var target = Target.Expand(Difficulty.NextBits(Main, sim.Chain.Tip));
        Assert.True(target <= limit / 4, $"the target fell to {target} against the limit {limit}");
    }
}
