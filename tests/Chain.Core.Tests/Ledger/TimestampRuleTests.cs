using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Ledger;

public class TimestampRuleTests
{
    private static readonly Address Miner = TestChain.AddressOf(TestChain.Key(3));
    private static readonly long Genesis = NetworkParameters.Dev.GenesisTimestamp;

    // Eleven blocks at genesis+10, +20, ... +110 (one every ten seconds).
    private static Blockchain ElevenBlocks()
    {
        var chain = TestChain.NewChain();
        for (var i = 1; i <= 11; i++)
        {
            Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, timestamp: Genesis + (10 * i))).Status);
        }

        return chain;
    }

    [Fact]
    public void MedianTimePast_ElevenBlocks_MedianOfTheirTimestamps()
    {
        var chain = ElevenBlocks();

        Assert.Equal(Genesis + 60, chain.Tip.MedianTimePast());
        Assert.Equal(Genesis, chain.GetBlockByHeight(0)!.MedianTimePast());
    }

    [Fact]
    public void MedianTimePast_UnorderedTimestamps_SortsBeforeTakingMedian()
    {
        var chain = TestChain.NewChain();
        foreach (var offset in new long[] { 10, 20, 30, 40, 50, 35, 36 })
        {
            Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, timestamp: Genesis + offset)).Status);
        }

        // 0, 10, 20, 30, 40, 50, 35, 36 sorted is 0, 10, 20, 30, 35, 36, 40, 50: the upper middle is 35
        // (the fifth in chain order, tip first, would be 30).
        Assert.Equal(Genesis + 35, chain.Tip.MedianTimePast());
    }

    [Fact]
    public void SubmitBlock_TimestampEqualToMedian_TimestampTooOld()
    {
        var chain = ElevenBlocks();
        var block = TestChain.Build(chain.Tip, Miner, timestamp: Genesis + 60);

        var result = chain.SubmitBlock(block);

        Assert.Equal(BlockError.TimestampTooOld, result.Error);
    }

    [Fact]
    public void SubmitBlock_TimestampAfterMedianButBeforeParent_Connected()
    {
        var chain = ElevenBlocks();
        var block = TestChain.Build(chain.Tip, Miner, timestamp: Genesis + 61);

        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(block).Status);
    }

    [Fact]
    public void SubmitBlock_TimestampMoreThanTwoHoursAhead_TimestampTooFarAheadUntilClockCatchesUp()
    {
        var clock = TestChain.Clock();
        var chain = TestChain.NewChain(clock);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var tooFar = TestChain.Build(chain.Tip, Miner, timestamp: now + NetworkParameters.MaxFutureSeconds + 1);

        Assert.Equal(BlockError.TimestampTooFarAhead, chain.SubmitBlock(tooFar).Error);

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(tooFar).Status);
    }

    [Fact]
    public void SubmitBlock_TimestampExactlyTwoHoursAhead_Connected()
    {
        var clock = TestChain.Clock();
        var chain = TestChain.NewChain(clock);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();

        var block = TestChain.Build(chain.Tip, Miner, timestamp: now + NetworkParameters.MaxFutureSeconds);

        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(block).Status);
    }

    [Fact]
    public void CreateTemplate_ClockBehindMedian_UsesMedianPlusOne()
    {
        var clock = TestChain.Clock();
        var chain = TestChain.NewChain(clock);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        for (var i = 0; i < 11; i++)
        {
            Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, Miner, timestamp: now + 3_600 + i)).Status);
        }

        var template = chain.CreateTemplate(Miner);

        Assert.Equal(chain.Tip.MedianTimePast() + 1, template.Header.Timestamp);
        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(new Block(TestChain.Solve(template.Header), template.Transactions)).Status);
    }
}
