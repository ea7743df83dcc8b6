namespace Chain.Network.Peers;

/// <summary>A handshake succeeded; <see cref="PeerConnection.Hello"/> holds the peer's height, work and listen port.</summary>
/// <param name="Peer">The new connection.</param>
public sealed record PeerConnectedEvent(PeerConnection Peer) : PeerEvent(Peer);
