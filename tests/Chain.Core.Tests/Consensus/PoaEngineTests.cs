using Chain.Core.Consensus;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Consensus;

public sealed class PoaEngineTests
{
    [Fact]
    public void SubmitBlock_SignersInTurn_ConnectedWithWeightTwoEach()
    {
        var poa = new PoaTestNetwork();
        for (var i = 0; i < 6; i++)
        {
            var result = poa.Extend(poa.InTurn(poa.Chain.Tip));
            Assert.Equal(BlockStatus.Connected, result.Status);
        }

        Assert.Equal(6u, poa.Chain.Tip.Height);
        Assert.Equal((UInt128)(1 + (6 * 2)), poa.Chain.Tip.CumulativeWork);
        Assert.Equal(PoaEngine.DifficultyInTurn, poa.Chain.Tip.Header.Bits);
    }

    [Fact]
    public void SubmitBlock_NonSigner_UnauthorizedSigner()
    {
        var poa = new PoaTestNetwork();

        var result = poa.Chain.SubmitBlock(poa.Seal(poa.Chain.Tip, 3, difficulty: PoaEngine.DifficultyOutOfTurn));

        Assert.Equal(BlockError.UnauthorizedSigner, result.Error);
    }

    [Fact]
    public void SubmitBlock_BeforeParentPlusPeriod_TooSoon()
    {
        var poa = new PoaTestNetwork();
        poa.Extend(poa.InTurn(poa.Chain.Tip));
        var parent = poa.Chain.Tip;

        var result = poa.Chain.SubmitBlock(poa.Seal(parent, poa.InTurn(parent), timestamp: parent.Header.Timestamp + PoaTestNetwork.Period - 1));

        Assert.Equal(BlockError.TooSoon, result.Error);
    }

    [Fact]
    public void SubmitBlock_SignerSealsTwoInARowOfThree_SignedRecently()
    {
        var poa = new PoaTestNetwork();
        var first = poa.InTurn(poa.Chain.Tip);
        Assert.Equal(BlockStatus.Connected, poa.Extend(first).Status);

        // Three signers: a signer seals at most one of any two consecutive blocks.
        var result = poa.Chain.SubmitBlock(poa.Seal(poa.Chain.Tip, first));

        Assert.Equal(BlockError.SignedRecently, result.Error);
        Assert.Equal(BlockStatus.Connected, poa.Extend(poa.InTurn(poa.Chain.Tip)).Status);
        Assert.Equal(BlockStatus.Connected, poa.Extend(first).Status);
    }

    [Fact]
    public void SubmitBlock_SignatureOfAnotherKey_BadSeal()
    {
        var poa = new PoaTestNetwork();
        var parent = poa.Chain.Tip;

        var forged = poa.Seal(parent, poa.InTurn(parent), signingKey: PoaTestNetwork.Key(3));

        Assert.Equal(BlockError.BadSeal, poa.Chain.SubmitBlock(forged).Error);
    }

    [Fact]
    public void SubmitBlock_SignatureByteFlipped_BadSeal()
    {
        var poa = new PoaTestNetwork();
        var block = poa.Seal(poa.Chain.Tip, poa.InTurn(poa.Chain.Tip));
        var signature = (byte[])block.Header.Signature.Clone();
        signature[17] ^= 1;

        var result = poa.Chain.SubmitBlock(new Block(block.Header.WithSignature(signature), block.Transactions));

        Assert.Equal(BlockError.BadSeal, result.Error);
        Assert.Equal(BlockStatus.Connected, poa.Chain.SubmitBlock(block).Status);
    }

    [Fact]
    public void SubmitBlock_OutOfTurnClaimingInTurn_WrongDifficulty()
    {
        var poa = new PoaTestNetwork();
        var parent = poa.Chain.Tip;

        var result = poa.Chain.SubmitBlock(poa.Seal(parent, poa.OutOfTurn(parent), difficulty: PoaEngine.DifficultyInTurn));

        Assert.Equal(BlockError.WrongDifficulty, result.Error);
    }

    [Fact]
    public void SubmitBlock_ProofOfWorkHeader_BadVersion()
    {
        var poa = new PoaTestNetwork();
        var block = TestChain.Build(poa.Chain.Tip, PoaTestNetwork.Signer(0), network: poa.Network, bits: NetworkParameters.PoaBits);

        Assert.Equal(BlockError.BadVersion, poa.Chain.SubmitBlock(block).Error);
    }

    [Fact]
    public void SubmitBlock_MajorityVotesToAdd_FourthSignerSeals()
    {
        var poa = new PoaTestNetwork();
        var candidate = PoaTestNetwork.Signer(3);
        var add = new SignerVote(candidate, VoteKind.Add);

        // One vote of three is not a majority.
        Assert.Equal(BlockStatus.Connected, poa.Extend(0, add).Status);
        Assert.Equal(BlockStatus.Connected, poa.Extend(1).Status);
        Assert.False(poa.Engine.Snapshot(poa.Chain.Tip).IsAuthorized(candidate));
        Assert.Equal((VoteKind.Add, 1), poa.Engine.Snapshot(poa.Chain.Tip).TallyOf(candidate));
        Assert.Equal(BlockError.UnauthorizedSigner, poa.Chain.SubmitBlock(poa.Seal(poa.Chain.Tip, 3, difficulty: PoaEngine.DifficultyOutOfTurn)).Error);

        // Signer 0 voting again does not count twice; signer 2's vote makes two of three.
        Assert.Equal(BlockStatus.Connected, poa.Extend(0, add).Status);
        Assert.Equal((VoteKind.Add, 1), poa.Engine.Snapshot(poa.Chain.Tip).TallyOf(candidate));
        Assert.Equal(BlockStatus.Connected, poa.Extend(2, add).Status);

        var snapshot = poa.Engine.Snapshot(poa.Chain.Tip);
        Assert.Equal(4, snapshot.Signers.Count);
        Assert.True(snapshot.IsAuthorized(candidate));
        Assert.Equal((VoteKind.None, 0), snapshot.TallyOf(candidate));
        Assert.Equal(BlockStatus.Connected, poa.Extend(3).Status);
    }

    [Fact]
    public void SubmitBlock_MajorityVotesToRemove_RemovedSignerRefused()
    {
        var poa = new PoaTestNetwork();
        var add = new SignerVote(PoaTestNetwork.Signer(3), VoteKind.Add);
        poa.Extend(0, add);
        poa.Extend(1, add);
        Assert.Equal(4, poa.Engine.Snapshot(poa.Chain.Tip).Signers.Count);

        // Four signers: removing one takes three votes (more than half); the candidate's own blocks keep coming.
        var remove = new SignerVote(PoaTestNetwork.Signer(2), VoteKind.Remove);
        Assert.Equal(BlockStatus.Connected, poa.Extend(3, remove).Status);
        Assert.Equal(BlockStatus.Connected, poa.Extend(2).Status);
        Assert.Equal(BlockStatus.Connected, poa.Extend(0, remove).Status);
        Assert.True(poa.Engine.Snapshot(poa.Chain.Tip).IsAuthorized(PoaTestNetwork.Signer(2)));
        Assert.Equal(BlockStatus.Connected, poa.Extend(1, remove).Status);

        var snapshot = poa.Engine.Snapshot(poa.Chain.Tip);
        Assert.Equal(3, snapshot.Signers.Count);
        Assert.False(snapshot.IsAuthorized(PoaTestNetwork.Signer(2)));
        Assert.Equal(BlockError.UnauthorizedSigner, poa.Chain.SubmitBlock(poa.Seal(poa.Chain.Tip, 2, difficulty: PoaEngine.DifficultyOutOfTurn)).Error);
    }

    [Fact]
    public void SubmitBlock_CheckpointWithWrongSigners_BadCheckpoint()
    {
        var poa = new PoaTestNetwork(epoch: 3);
        poa.Extend(poa.InTurn(poa.Chain.Tip));
        poa.Extend(poa.OutOfTurn(poa.Chain.Tip));
        var parent = poa.Chain.Tip;
        var signer = poa.OutOfTurn(parent);
        var listed = poa.Engine.Snapshot(parent).Signers;

        var missing = poa.Chain.SubmitBlock(poa.Seal(parent, signer, signers: listed.Take(2).ToList()));
        var reordered = poa.Chain.SubmitBlock(poa.Seal(parent, signer, signers: listed.Reverse().ToList()));
        var voting = poa.Chain.SubmitBlock(poa.Seal(parent, signer, vote: new SignerVote(PoaTestNetwork.Signer(3), VoteKind.Add)));

        Assert.Equal(BlockError.BadCheckpoint, missing.Error);
        Assert.Equal(BlockError.BadCheckpoint, reordered.Error);
        Assert.Equal(BlockError.BadCheckpoint, voting.Error);
        var valid = poa.Seal(parent, signer);
        Assert.Equal(listed, valid.Header.Signers);
        Assert.Equal(BlockStatus.Connected, poa.Chain.SubmitBlock(valid).Status);
    }

    [Fact]
    public void SubmitBlock_CheckpointReached_PendingVotesCleared()
    {
        var poa = new PoaTestNetwork(epoch: 3);
        var candidate = PoaTestNetwork.Signer(3);
        poa.Extend(0, new SignerVote(candidate, VoteKind.Add));
        Assert.Equal((VoteKind.Add, 1), poa.Engine.Snapshot(poa.Chain.Tip).TallyOf(candidate));
        poa.Extend(1);
        Assert.Equal(BlockStatus.Connected, poa.Extend(2).Status); // height 3, a checkpoint

        Assert.Equal((VoteKind.None, 0), poa.Engine.Snapshot(poa.Chain.Tip).TallyOf(candidate));
        poa.Extend(0, new SignerVote(candidate, VoteKind.Add));
        Assert.False(poa.Engine.Snapshot(poa.Chain.Tip).IsAuthorized(candidate));
    }

    [Fact]
    public void SubmitBlock_InTurnBlockAfterOutOfTurnSibling_InTurnBecomesTip()
    {
        var poa = new PoaTestNetwork();
        poa.Extend(poa.InTurn(poa.Chain.Tip));
        var parent = poa.Chain.Tip;
        var outOfTurn = poa.Seal(parent, poa.OutOfTurn(parent));
        var inTurn = poa.Seal(parent, poa.InTurn(parent));

        Assert.Equal(BlockStatus.Connected, poa.Chain.SubmitBlock(outOfTurn).Status);
        Assert.Equal(PoaEngine.DifficultyOutOfTurn, poa.Chain.Tip.Header.Bits);
        Assert.Equal(BlockStatus.Connected, poa.Chain.SubmitBlock(inTurn).Status);

        Assert.Equal(inTurn.Hash, poa.Chain.Tip.Hash);
    }

    [Fact]
    public void SubmitBlock_OutOfTurnBlockAfterInTurnSibling_InTurnStaysTip()
    {
        var poa = new PoaTestNetwork();
        var parent = poa.Chain.Tip;
        var inTurn = poa.Seal(parent, poa.InTurn(parent));
        var outOfTurn = poa.Seal(parent, poa.OutOfTurn(parent));

        Assert.Equal(BlockStatus.Connected, poa.Chain.SubmitBlock(inTurn).Status);
        var result = poa.Chain.SubmitBlock(outOfTurn);

        Assert.NotEqual(BlockStatus.Connected, result.Status);
        Assert.Equal(BlockError.None, result.Error);
        Assert.Equal(inTurn.Hash, poa.Chain.Tip.Hash);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SubmitBlock_TwoOutOfTurnSiblingsOfEqualWeight_LowerHashBecomesTipWhicheverCameFirstAndTheOtherSignerSealsNext(bool lowerFirst)
    {
        // The signer in turn is away and the other two seal the same height out of turn at once (each before hearing
        // of the other's block). Each may not seal the next block on its own branch (signed recently), so if each kept
        // the branch it saw first the network would stall: every node takes the lower tip hash instead.
        var poa = new PoaTestNetwork();
        var parent = poa.Chain.Tip;
        var inTurn = poa.InTurn(parent);
        var others = Enumerable.Range(0, 3).Where(i => i != inTurn).ToArray();
        var siblings = others.Select(i => (Signer: i, Block: poa.Seal(parent, i))).OrderBy(s => s.Block.Hash).ToArray();
        var (lower, higher) = (siblings[0], siblings[1]);
        Assert.All(siblings, s => Assert.Equal(PoaEngine.DifficultyOutOfTurn, s.Block.Header.Bits));

        var (first, second) = lowerFirst ? (lower, higher) : (higher, lower);
        Assert.Equal(BlockStatus.Connected, poa.Chain.SubmitBlock(first.Block).Status);
        var result = poa.Chain.SubmitBlock(second.Block);

        Assert.Equal(BlockError.None, result.Error);
        Assert.Equal(lower.Block.Hash, poa.Chain.Tip.Hash);
        Assert.Equal(lowerFirst ? BlockStatus.SideChain : BlockStatus.Connected, result.Status);

        // The network goes on: the signer whose block lost seals the next height on the winner's branch.
        var next = poa.Chain.SubmitBlock(poa.Seal(poa.Chain.Tip, higher.Signer));
        Assert.Equal(BlockStatus.Connected, next.Status);
        Assert.Equal(lower.Block.Hash, poa.Chain.Tip.Header.PreviousHash);
    }

    [Fact]
    public void SubmitBlock_ReorganisationDropsBranchWithVote_CandidateNotAuthorised()
    {
        var poa = new PoaTestNetwork();
        var add = new SignerVote(PoaTestNetwork.Signer(3), VoteKind.Add);

        // Branch X adds signer 3 with two votes; branch Y, built on another ledger of the same network, is heavier and
        // never votes.
        Assert.Equal(BlockStatus.Connected, poa.Extend(0, add).Status);
        Assert.Equal(BlockStatus.Connected, poa.Extend(1, add).Status);
        Assert.True(poa.Engine.Snapshot(poa.Chain.Tip).IsAuthorized(PoaTestNetwork.Signer(3)));

        var other = new Blockchain(poa.Network, poa.Clock);
        for (var i = 0; i < 4; i++)
        {
            var block = poa.Seal(other.Tip, poa.InTurn(other.Tip));
            Assert.Equal(BlockStatus.Connected, other.SubmitBlock(block).Status);
            poa.Chain.SubmitBlock(block);
        }

        var y = other.Tip;
        Assert.Equal(y.Hash, poa.Chain.Tip.Hash);
        Assert.False(poa.Engine.Snapshot(poa.Chain.Tip).IsAuthorized(PoaTestNetwork.Signer(3)));
        Assert.Equal(BlockError.UnauthorizedSigner, poa.Chain.SubmitBlock(poa.Seal(poa.Chain.Tip, 3, difficulty: PoaEngine.DifficultyOutOfTurn)).Error);
    }
}
