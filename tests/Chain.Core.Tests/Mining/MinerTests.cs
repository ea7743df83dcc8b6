using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Mining;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Mining;

public class MinerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly Address PayTo = Address.Parse("cccccccccccccccccccccccccccccccccccccccc");
    private static readonly Address Other = Address.Parse("dddddddddddddddddddddddddddddddddddddddd");

    [Fact]
    public async Task MineBlockAsync_DevChain_ConnectsBlockPayingRewardAndFees()
    {
        var alice = TestChain.Key(0);
        var clock = TestChain.Clock();
        var chain = TestChain.NewChain(clock);
        TestChain.Extend(chain, TestChain.AddressOf(alice), 1);
        TestChain.Mature(chain);
        var tx = TestChain.Transfer(alice, Other, Money.UnitsPerCoin, nonce: 0, fee: 7_000);
        Assert.True(chain.SubmitTransaction(tx).IsValid);
        var miner = new Miner(chain, clock);

        var block = await miner.MineBlockAsync(PayTo, threads: 2, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(block.Hash, chain.Tip.Hash);
        Assert.Equal((uint)NetworkParameters.Dev.CoinbaseMaturity + 1, block.Height);
        Assert.Equal([tx.Id], block.Transactions.Skip(1).Select(t => t.Id));
        Assert.True(Target.IsMetBy(block.Hash, Target.Expand(block.Header.Bits)));
        Assert.Equal(NetworkParameters.Dev.BlockReward(block.Height) + 7_000, chain.GetImmatureBalance(PayTo));
        Assert.Equal(0, chain.MempoolCount);
        Assert.True(miner.TotalHashes > 0);
    }

    [Fact]
    public async Task HashRate_ManyShortSearches_CountedThenZeroAfterTheWindow()
    {
        // Dev blocks take milliseconds: the rate used to count only searches over 50 ms, so it read 0 while
        // mining on dev, and it kept the last figure forever after mining stopped.
        var clock = TestChain.Clock();
        var miner = new Miner(TestChain.NewChain(clock), clock);
        Assert.Equal(0, miner.HashRate);

        for (var i = 0; i < 20; i++)
        {
            await miner.MineBlockAsync(PayTo, threads: 1, CancellationToken.None).WaitAsync(Bound);
        }

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(miner.TotalHashes / 2.0, miner.HashRate, precision: 6);

        clock.Advance(Miner.RateWindow);
        Assert.Equal(0, miner.HashRate);
    }

    [Fact]
    public async Task MineBlockAsync_TipChangesBeforeSearch_AbandonsTemplateAndMinesOnNewTip()
    {
        var chain = TestChain.NewChain();
        var miner = new Miner(chain, TimeProvider.System);
        var templates = new List<Block>();
        Block? competitor = null;
        miner.SearchStarting = template =>
        {
            templates.Add(template);
            if (templates.Count == 1)
            {
                // A peer's block arrives after the template was built and the miner subscribed.
                competitor = TestChain.Build(chain.Tip, Other);
                Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(competitor).Status);
            }
        };

        var block = await miner.MineBlockAsync(PayTo, threads: 1, CancellationToken.None).WaitAsync(Bound);

        Assert.NotNull(competitor);
        Assert.Equal(2, templates.Count);
        Assert.Equal(NetworkParameters.Dev.GenesisHash, templates[0].Header.PreviousHash);
        Assert.Equal(competitor.Hash, templates[1].Header.PreviousHash);
        Assert.Equal(competitor.Hash, block.Header.PreviousHash);
        Assert.Equal(block.Hash, chain.Tip.Hash);

        // With one thread the search tries nonces from 0 like TestChain.Solve, so this is the block the
        // stale template would have produced had its search not been cancelled: it was never submitted.
        var stale = new Block(TestChain.Solve(templates[0].Header), templates[0].Transactions);
        Assert.False(chain.KnowsBlock(stale.Hash));
    }

    [Fact]
    public async Task MineBlockAsync_CancelledDuringSearch_ThrowsOperationCanceled()
    {
        var chain = TestChain.NewChain();
        var miner = new Miner(chain, TimeProvider.System);
        using var cts = new CancellationTokenSource();
        miner.SearchStarting = _ => cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => miner.MineBlockAsync(PayTo, threads: 1, cts.Token).WaitAsync(Bound));

        Assert.Equal(0u, chain.Tip.Height);
    }

    [Fact]
    public async Task MineBlockAsync_AlreadyCancelled_ThrowsOperationCanceled()
    {
        var chain = TestChain.NewChain();
        var miner = new Miner(chain, TimeProvider.System);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => miner.MineBlockAsync(PayTo, threads: 1, new CancellationToken(canceled: true)).WaitAsync(Bound));
    }

    [Fact]
    public async Task SearchAsync_ImpossibleTargetCancelled_ReturnsNull()
    {
        var chain = TestChain.NewChain();
        var miner = new Miner(chain, TimeProvider.System);
        var template = chain.CreateTemplate(PayTo).Header;
        var impossible = new BlockHeader(template.Version, template.Height, template.PreviousHash, template.MerkleRoot, template.Timestamp, 0x03000001, 0);
        using var cts = new CancellationTokenSource();

        var search = miner.SearchAsync(impossible, threads: 2, cts.Token);
        cts.Cancel();
        var nonce = await search.WaitAsync(Bound);

        Assert.Null(nonce);
    }

    [Fact]
    public async Task SearchAsync_DevTarget_FindsNonceMeetingTarget()
    {
        var chain = TestChain.NewChain();
        var miner = new Miner(chain, TimeProvider.System);
        var header = chain.CreateTemplate(PayTo).Header;

        var nonce = await miner.SearchAsync(header, threads: 4, CancellationToken.None).WaitAsync(Bound);

        Assert.NotNull(nonce);
        Assert.True(Target.IsMetBy(header.WithNonce(nonce.Value).Hash, Target.Expand(header.Bits)));
    }

    [Fact]
    public async Task MineBlockAsync_FiveHundredBlocksWhileTheClockStands_NoneWaitsForTheClock()
    {
        // The dev network's `mine 500` used to stall after ~360 blocks: timestamps held one second per six blocks
        // above the clock by the median-of-11 rule hit a 60-second lead and the miner waited for the clock.
        var clock = TestChain.Clock();
        var chain = TestChain.NewChain(clock);
        var miner = new Miner(chain, clock);
        for (var i = 0; i < 500; i++)
        {
            await miner.MineBlockAsync(PayTo, threads: 1, CancellationToken.None).WaitAsync(Bound);
        }

        Assert.Equal(500u, chain.Tip.Height);
        var lead = chain.Tip.Header.Timestamp - clock.GetUtcNow().ToUnixTimeSeconds();
        Assert.InRange(lead, 60, Miner.MaxTimestampLeadSeconds);
    }

    [Fact]
    public async Task MineBlockAsync_TipTimestampsFarAheadOfClock_WaitsForTheClockInsteadOfBuildingRefusedBlocks()
    {
        var clock = TestChain.Clock();
        var chain = TestChain.NewChain(clock);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        for (var i = 0; i < NetworkParameters.MedianTimeSpan; i++)
        {
            Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, Other, timestamp: now + Miner.MaxTimestampLeadSeconds + 600 + i)).Status);
        }

        var miner = new Miner(chain, clock);
        var mining = miner.MineBlockAsync(PayTo, threads: 1, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(mining.IsCompleted);

        // The template's timestamp (the tip's median + 1) leads the clock by MaxTimestampLeadSeconds + 606.
        clock.Advance(TimeSpan.FromSeconds(700));
        var block = await mining.WaitAsync(Bound);

        Assert.True(block.Header.Timestamp - clock.GetUtcNow().ToUnixTimeSeconds() <= Miner.MaxTimestampLeadSeconds);
        Assert.Equal(block.Hash, chain.Tip.Hash);
    }
}
