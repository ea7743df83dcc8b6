namespace Chain.Network.Peers;

/// <summary>
/// Chooses the inbound connection to close when the inbound slots are full and a newcomer arrives, after Bitcoin
/// Core's <c>AttemptToEvictConnection</c>: peers an attacker cannot easily imitate are protected, and the victim is
/// the youngest connection of the most represented network group among the rest, so one operator filling the
/// slots from one network evicts its own connections first and cannot shut out honest peers.
/// </summary>
public static class InboundEviction
{
    /// <summary>Peers protected for their network group: one each from this many groups chosen by a secret hash.</summary>
    public const int ProtectedByGroup = 4;

    /// <summary>Peers protected for the lowest ping round trip.</summary>
    public const int ProtectedByPing = 8;

    /// <summary>Peers protected for the most recent transaction the mempool took from them (slots kept for useful peers).</summary>
    public const int ProtectedByTransactions = 4;

    /// <summary>Peers protected for the most recent block that joined the best chain from them (slots kept for useful peers).</summary>
    public const int ProtectedByBlocks = 4;

    /// <summary>
    /// The connection to evict, or null when every candidate is protected (the newcomer is then refused).
    /// <paramref name="groupSecret"/> orders the groups for the first protection; keep it secret and fixed per node,
    /// so a peer can neither predict nor choose which groups are protected.
    /// </summary>
    public static EvictionCandidate? SelectVictim(IReadOnlyCollection<EvictionCandidate> candidates, int groupSecret)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var left = candidates.ToList();

        // One peer (the longest connected) from each of a few groups, picked by a keyed hash of the group.
        var byGroup = left.GroupBy(c => c.Group)
            .OrderBy(g => HashCode.Combine(groupSecret, g.Key))
            .Take(ProtectedByGroup)
            .Select(g => g.MinBy(c => c.ConnectedAt)!)
            .ToList();
        Protect(left, byGroup);

        // Low latency cannot be faked (a pong only counts when it echoes the node's own ping), and is hard to get
        // from far away.
        Protect(left, [.. left.Where(c => c.MinPing is not null).OrderBy(c => c.MinPing).ThenBy(c => c.ConnectedAt).Take(ProtectedByPing)]);

        // Peers that gave the node something new: honest peers earn these slots by relaying, flooders cannot.
        Protect(left, [.. left.Where(c => c.LastTransaction != 0).OrderByDescending(c => c.LastTransaction).Take(ProtectedByTransactions)]);
        Protect(left, [.. left.Where(c => c.LastBlock != 0).OrderByDescending(c => c.LastBlock).Take(ProtectedByBlocks)]);

        // Half of the rest: the longest connected (an attacker must keep connections open a long time beforehand).
        Protect(left, [.. left.OrderBy(c => c.ConnectedAt).Take(left.Count / 2)]);
        if (left.Count == 0)
        {
            return null;
        }

        // The most represented group (on a tie, the one whose youngest member is youngest), and its youngest member.
        var victims = left.GroupBy(c => c.Group)
            .OrderByDescending(g => g.Count())
            .ThenByDescending(g => g.Max(c => c.ConnectedAt))
            .First();
        return victims.MaxBy(c => c.ConnectedAt);
    }

    private static void Protect(List<EvictionCandidate> left, List<EvictionCandidate> protectedOnes)
    {
        foreach (var candidate in protectedOnes)
        {
            left.Remove(candidate);
        }
    }
}
