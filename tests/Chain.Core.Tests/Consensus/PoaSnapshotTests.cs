using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Tests.Consensus;

/// <summary>The signer set's bound: a checkpoint lists every signer, so the set never grows past what it can list.</summary>
public sealed class PoaSnapshotTests
{
    private static Address Numbered(int i)
    {
        var bytes = new byte[Address.Size];
        bytes[0] = 1;
        bytes[^1] = (byte)i;
        bytes[^2] = (byte)(i >> 8);
        return new Address(bytes);
    }

    [Fact]
    public void IsValidVote_AddWithMostSigners_DoesNotCountUntilARemovalMakesRoom()
    {
        var candidate = Numbered(1_000);
        var full = PoaSnapshot.Genesis(Hash256.Zero, Enumerable.Range(0, BlockHeader.MaxSigners).Select(Numbered));
        var roomForOne = PoaSnapshot.Genesis(Hash256.Zero, Enumerable.Range(0, BlockHeader.MaxSigners - 1).Select(Numbered));

        Assert.False(full.IsValidVote(new SignerVote(candidate, VoteKind.Add)));
        Assert.True(full.IsValidVote(new SignerVote(Numbered(0), VoteKind.Remove)));
        Assert.True(roomForOne.IsValidVote(new SignerVote(candidate, VoteKind.Add)));
    }
}
