using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Mining;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Mining;

public sealed class SealerTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(PoaTestNetwork.Period);

    // A network whose tip was sealed just now, and the time each block connects (from the fake clock).
    private static (PoaTestNetwork Poa, Dictionary<Hash256, DateTimeOffset> Connected) Started()
    {
        var poa = new PoaTestNetwork();
        var now = poa.Clock.GetUtcNow().ToUnixTimeSeconds();
        var first = poa.Seal(poa.Chain.Tip, poa.InTurn(poa.Chain.Tip), timestamp: now);
        Assert.Equal(BlockStatus.Connected, poa.Chain.SubmitBlock(first).Status);
        var connected = new Dictionary<Hash256, DateTimeOffset>();
        poa.Chain.TipChanged += update =>
        {
            lock (connected)
            {
                connected[update.Tip.Hash] = poa.Clock.GetUtcNow();
            }
        };
        return (poa, connected);
    }

    [Fact]
    public async Task SealBlockAsync_NotASigner_RefusedNamingTheSigner()
    {
        var poa = new PoaTestNetwork();
        var sealer = new Sealer(poa.Chain, poa.Clock);

        var refused = await Assert.ThrowsAsync<SealingRefusedException>(
            () => sealer.SealBlockAsync(PoaTestNetwork.Key(3), PoaTestNetwork.Signer(3), CancellationToken.None));

        Assert.Contains(PoaTestNetwork.Signer(3).ToString(), refused.Message);
        Assert.Contains("not an authorised signer", refused.Message);
    }

    [Fact]
    public async Task SealBlockAsync_ProofOfWorkNetwork_Refused()
    {
        var chain = TestChain.NewChain();
        var sealer = new Sealer(chain, TestChain.Clock());

        await Assert.ThrowsAsync<SealingRefusedException>(() => sealer.SealBlockAsync(TestChain.Key(0), PoaTestNetwork.Signer(0), CancellationToken.None));
    }

    [Fact]
    public async Task SealBlockAsync_InTurn_SealsWhenThePeriodHasPassed()
    {
        var (poa, connected) = Started();
        var parent = poa.Chain.Tip;
        var signer = poa.InTurn(parent);
        var sealer = new Sealer(poa.Chain, poa.Clock, new Random(1));

        var sealing = sealer.SealBlockAsync(PoaTestNetwork.Key(signer), PoaTestNetwork.Signer(signer), CancellationToken.None);
        poa.Clock.Advance(Period - TimeSpan.FromSeconds(1));
        poa.Clock.Advance(TimeSpan.FromSeconds(1));
        var block = await sealing.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(parent.Hash, block.Header.PreviousHash);
        Assert.Equal(PoaEngine.DifficultyInTurn, block.Header.Bits);
        Assert.Equal(parent.Header.Timestamp + PoaTestNetwork.Period, block.Header.Timestamp);
        Assert.True(connected[block.Hash] >= DateTimeOffset.FromUnixTimeSeconds(parent.Header.Timestamp) + Period);
    }

    [Fact]
    public async Task SealBlockAsync_OutOfTurn_WaitsTheWiggleAfterThePeriod()
    {
        var (poa, connected) = Started();
        var parent = poa.Chain.Tip;
        var signer = poa.OutOfTurn(parent);
        var sealer = new Sealer(poa.Chain, poa.Clock, new Random(1));

        var sealing = sealer.SealBlockAsync(PoaTestNetwork.Key(signer), PoaTestNetwork.Signer(signer), CancellationToken.None);
        poa.Clock.Advance(Period);
        poa.Clock.Advance(PoaEngine.WiggleUnit * 3);
        var block = await sealing.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(PoaEngine.DifficultyOutOfTurn, block.Header.Bits);
        Assert.True(connected[block.Hash] >= DateTimeOffset.FromUnixTimeSeconds(parent.Header.Timestamp) + Period + PoaEngine.WiggleUnit);
    }

    [Fact]
    public async Task SealBlockAsync_OutOfTurnOnAnOldParent_WaitsTheWiggleFromNow()
    {
        var poa = new PoaTestNetwork();
        var connected = new Dictionary<Hash256, DateTimeOffset>();
        poa.Chain.TipChanged += update =>
        {
            lock (connected)
            {
                connected[update.Tip.Hash] = poa.Clock.GetUtcNow();
            }
        };
        var parent = poa.Chain.Tip; // genesis, a day before the clock
        var signer = poa.OutOfTurn(parent);
        var sealer = new Sealer(poa.Chain, poa.Clock, new Random(1));
        var start = poa.Clock.GetUtcNow();

        var sealing = sealer.SealBlockAsync(PoaTestNetwork.Key(signer), PoaTestNetwork.Signer(signer), CancellationToken.None);
        poa.Clock.Advance(PoaEngine.WiggleUnit * 3);
        var block = await sealing.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(PoaEngine.DifficultyOutOfTurn, block.Header.Bits);
        Assert.True(connected[block.Hash] >= start + PoaEngine.WiggleUnit);
    }

    [Fact]
    public async Task SealBlockAsync_SealedTheTip_WaitsForAnotherSignersBlock()
    {
        var poa = new PoaTestNetwork();
        var genesis = poa.Chain.Tip;

        // The signer whose turn block 3 is seals block 1 (out of turn); with three signers it may not seal block 2.
        var own = Enumerable.Range(0, 3).First(i => PoaTestNetwork.Signer(i) == poa.Engine.Snapshot(genesis).InTurn(3));
        var first = poa.Seal(genesis, own, timestamp: poa.Clock.GetUtcNow().ToUnixTimeSeconds());
        Assert.Equal(BlockStatus.Connected, poa.Chain.SubmitBlock(first).Status);
        var sealer = new Sealer(poa.Chain, poa.Clock, new Random(1));

        var sealing = sealer.SealBlockAsync(PoaTestNetwork.Key(own), PoaTestNetwork.Signer(own), CancellationToken.None);
        poa.Clock.Advance(Period * 3);
        var other = poa.Seal(poa.Chain.Tip, poa.InTurn(poa.Chain.Tip));
        Assert.Equal(BlockStatus.Connected, poa.Chain.SubmitBlock(other).Status);
        var block = await sealing.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(other.Hash, block.Header.PreviousHash);
        Assert.Equal(PoaTestNetwork.Signer(own), block.Header.Signer);
        Assert.Equal(PoaEngine.DifficultyInTurn, block.Header.Bits);
    }

    [Fact]
    public async Task SealBlockAsync_VoteSet_BlockCarriesIt()
    {
        var poa = new PoaTestNetwork();
        var sealer = new Sealer(poa.Chain, poa.Clock, new Random(1))
        {
            Vote = new SignerVote(PoaTestNetwork.Signer(3), VoteKind.Add),
        };
        var signer = poa.InTurn(poa.Chain.Tip);

        var block = await sealer.SealBlockAsync(PoaTestNetwork.Key(signer), PoaTestNetwork.Signer(signer), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(sealer.Vote, block.Header.Vote);
        Assert.Equal((VoteKind.Add, 1), poa.Engine.Snapshot(poa.Chain.Tip).TallyOf(PoaTestNetwork.Signer(3)));
    }
}
