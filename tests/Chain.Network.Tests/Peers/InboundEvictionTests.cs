using System.Net;
using Chain.Network.Peers;

namespace Chain.Network.Tests.Peers;

public sealed class InboundEvictionTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // A peer from 10.<group>.0.<n>, connected <minutesAgo> minutes before the last one.
    private static EvictionCandidate Peer(string name, int group, int minutesAgo, TimeSpan? ping = null, long block = 0, long tx = 0) =>
        new(name, NetworkGroup.Group(IPAddress.Parse($"10.{group}.0.{name.Length}")), ping, block, tx, Start.AddMinutes(1_000 - minutesAgo));

    private static string? Victim(IEnumerable<EvictionCandidate> candidates, int secret = 7) =>
        (string?)InboundEviction.SelectVictim([.. candidates], secret)?.Connection;

    [Fact]
    public void SelectVictim_OneGroupFillsTheSlots_EvictsItsYoungestNeverTheOthers()
    {
        // 28 connections from one /16 (an attacker's), joined after four honest peers from four other groups.
        var honest = Enumerable.Range(1, 4).Select(g => Peer("honest" + g, g, minutesAgo: 500)).ToList();
        var flood = Enumerable.Range(0, 28).Select(i => Peer("flood" + i, 99, minutesAgo: 100 - i)).ToList();

        for (var secret = 0; secret < 50; secret++)
        {
            Assert.Equal("flood27", Victim([.. honest, .. flood], secret));
        }
    }

    [Fact]
    public void SelectVictim_UsefulAndFastPeersProtected_EvenInTheBiggestGroupAndYoungest()
    {
        var blockGiver = Peer("blocks", 5, minutesAgo: 1, block: 50);
        var txGiver = Peer("txs", 5, minutesAgo: 2, tx: 40);
        var fast = Peer("fast", 5, minutesAgo: 3, ping: TimeSpan.FromMilliseconds(1));
        var idle = Enumerable.Range(0, 12).Select(i => Peer("idle" + i, 5, minutesAgo: 100 - i)).ToList();

        var victim = Victim([blockGiver, txGiver, fast, .. idle]);

        Assert.NotNull(victim);
        Assert.StartsWith("idle", victim);
    }

    [Fact]
    public void SelectVictim_FewerCandidatesThanProtections_NoVictim()
    {
        // Four peers from four groups are all protected by their group: the newcomer is refused instead.
        Assert.Null(Victim(Enumerable.Range(1, 4).Select(g => Peer("p" + g, g, minutesAgo: g))));
        Assert.Null(Victim([]));
    }

    [Fact]
    public void SelectVictim_TwoGroups_OlderOnesKeptByAge_YoungestOfTheOtherGroupEvicted()
    {
        var a = Enumerable.Range(0, 10).Select(i => Peer("a" + i, 1, minutesAgo: 200 - i));
        var b = Enumerable.Range(0, 10).Select(i => Peer("b" + i, 2, minutesAgo: 100 - i));

        Assert.Equal("b9", Victim([.. a, .. b]));
    }

    [Fact]
    public void SelectVictim_LongestConnectedHalfProtected()
    {
        // One group, no pings, nothing useful: the group protection keeps the oldest, half of the rest is kept
        // by age, and the victim is the youngest; evicting one after another leaves the oldest alone.
        var peers = Enumerable.Range(0, 20).Select(i => Peer("p" + i, 3, minutesAgo: 1_000 - i)).ToList();
        var victims = new List<string>();
        while (Victim(peers) is { } victim)
        {
            victims.Add(victim);
            peers.RemoveAll(p => (string)p.Connection == victim);
        }

        Assert.Equal(Enumerable.Range(1, 19).Reverse().Select(i => "p" + i), victims);
    }
}
