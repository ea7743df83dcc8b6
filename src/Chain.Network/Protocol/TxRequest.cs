namespace Chain.Network.Protocol;

/// <summary>
/// The one outstanding request for a transaction: the peer asked, when, and the other peers that announced it,
/// to ask next if the first does not deliver. Guarded by the protocol's request lock.
/// </summary>
internal sealed class TxRequest(PeerState asked, long askedAt)
{
    /// <summary>Other announcers remembered per transaction.</summary>
    public const int MaxAlternatives = 8;

    public PeerState Asked { get; set; } = asked;

    public long AskedAt { get; set; } = askedAt;

    /// <summary>Peers that announced the transaction after it was requested, oldest first.</summary>
    public List<PeerState> Alternatives { get; } = [];
}
