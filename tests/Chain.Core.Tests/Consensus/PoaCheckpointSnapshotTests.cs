using Chain.Core.Consensus;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;
using CsCheck;

namespace Chain.Core.Tests.Consensus;

/// <summary>
/// A snapshot taken from the nearest checkpoint (a node started on a long chain, or a cache miss far from the tip)
/// decides every check as the snapshot walked from genesis does.
/// </summary>
public sealed class PoaCheckpointSnapshotTests
{
    private const int Epoch = 4;

    [Fact]
    public void Snapshot_FreshEngineOnRandomVotingChain_SameAsWalkFromGenesis()
    {
        // Each number picks the sealer among those allowed and, now and then, a vote: signers come and go (1 to 4 of
        // them, so the recent-sealer window changes size too) across many checkpoints.
        Gen.Int[0, 1_000_000].Array[20, 50].Sample(choices =>
        {
            var poa = new PoaTestNetwork(epoch: Epoch);
            var parameters = (PoaParameters)poa.Network.Consensus;
            var reference = PoaSnapshot.Genesis(poa.Network.Genesis.Hash, parameters.Signers);
            foreach (var choice in choices)
            {
                var height = poa.Chain.Tip.Height + 1;
                var allowed = Enumerable.Range(0, FixedKeys.Count)
                    .Where(i => reference.IsAuthorized(PoaTestNetwork.Signer(i)) && reference.SealedRecently(PoaTestNetwork.Signer(i), height) is null)
                    .ToList();
                var signer = allowed[choice % allowed.Count];
                SignerVote? vote = null;
                if (height % Epoch != 0 && choice / 7 % 2 == 0)
                {
                    var candidate = PoaTestNetwork.Signer(choice / 14 % FixedKeys.Count);
                    vote = new SignerVote(candidate, reference.IsAuthorized(candidate) ? VoteKind.Remove : VoteKind.Add);
                }

                var result = poa.Extend(signer, vote);
                Assert.True(result.Status == BlockStatus.Connected, $"height {height}: {result.Error} {result.Message}");
                reference = reference.Apply(poa.Chain.Tip.Header, Epoch);

                AssertSame(reference, poa.Engine.Snapshot(poa.Chain.Tip));
                AssertSame(reference, new PoaEngine(parameters, poa.Network.Genesis.Hash).Snapshot(poa.Chain.Tip));
            }
        }, iter: 25);
    }

    [Fact]
    public void Snapshot_FreshEngineBeyondCheckpoint_WalksNoFurtherBackThanIt()
    {
        var poa = new PoaTestNetwork(epoch: Epoch);
        for (var i = 0; i < 3 * Epoch + 2; i++)
        {
            Assert.Equal(BlockStatus.Connected, poa.Extend(poa.InTurn(poa.Chain.Tip)).Status);
        }

        var parameters = (PoaParameters)poa.Network.Consensus;
        var fresh = new PoaEngine(parameters, poa.Network.Genesis.Hash);
        var snapshot = fresh.Snapshot(poa.Chain.Tip);

        // The tip is at 14: the walk starts at the checkpoint at 12 and applies 13 and 14, so the engine keeps those three
        // snapshots and none of the blocks before the checkpoint.
        Assert.Equal(14u, snapshot.Height);
        Assert.Equal(3, fresh.CachedSnapshots);
    }

    private static void AssertSame(PoaSnapshot expected, PoaSnapshot actual)
    {
        Assert.Equal(expected.Hash, actual.Hash);
        Assert.Equal(expected.Signers, actual.Signers);
        Assert.Equal(expected.RecentLimit, actual.RecentLimit);
        for (var i = 0; i < FixedKeys.Count; i++)
        {
            var address = PoaTestNetwork.Signer(i);
            Assert.Equal(expected.TallyOf(address), actual.TallyOf(address));
            for (var ahead = 1u; ahead <= 3; ahead++)
            {
                Assert.Equal(expected.SealedRecently(address, expected.Height + ahead), actual.SealedRecently(address, actual.Height + ahead));
            }

            foreach (var kind in new[] { VoteKind.Add, VoteKind.Remove })
            {
                Assert.Equal(expected.IsValidVote(new SignerVote(address, kind)), actual.IsValidVote(new SignerVote(address, kind)));
            }
        }
    }
}
