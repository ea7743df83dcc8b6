namespace Chain.Network.Protocol;

/// <summary>
/// The one outstanding request for a transaction: the peer asked, when, and every other peer that announced it,
/// to ask next if the first does not deliver. Guarded by the protocol's request lock.
/// </summary>
/// <remarks>
/// The announcers are not capped per transaction (a cap let as many silent announcers as it held keep an honest
/// later one from ever being asked): each peer appears at most once, so the list is bounded by the number of
/// peers, and each peer's remembered announcements are capped by <see cref="NodeProtocol.MaxTxRequestsPerPeer"/>.
/// </remarks>
internal sealed class TxRequest(PeerState asked, long askedAt)
{
    public PeerState Asked { get; set; } = asked;

    public long AskedAt { get; set; } = askedAt;

    /// <summary>
    /// Peers that announced the transaction after it was requested, in the order they are to be asked: outbound
    /// peers (chosen by this node) first, then inbound ones, each group oldest first.
    /// </summary>
    public List<PeerState> Alternatives { get; } = [];

    /// <summary>Adds an announcer in its place: after the other outbound ones when outbound, else last.</summary>
    public void AddAlternative(PeerState peer)
    {
        if (peer.Connection.IsInbound)
        {
            Alternatives.Add(peer);
            return;
        }

        var firstInbound = Alternatives.FindIndex(p => p.Connection.IsInbound);
        Alternatives.Insert(firstInbound < 0 ? Alternatives.Count : firstInbound, peer);
    }
}
