namespace Chain.Network.Peers;

/// <summary>A connection announced by <see cref="PeerConnectedEvent"/> ended.</summary>
/// <param name="Peer">The closed connection.</param>
/// <param name="Reason">Why it ended.</param>
public sealed record PeerDisconnectedEvent(PeerConnection Peer, string Reason) : PeerEvent(Peer);
