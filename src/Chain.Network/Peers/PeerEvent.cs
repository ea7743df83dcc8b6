namespace Chain.Network.Peers;

/// <summary>
/// Something that happened to a peer, read from <see cref="PeerManager.Events"/>. Events of one connection arrive in
/// order (connected, payloads, disconnected); when a duplicate connection replaces an older one to the same node the
/// two may overlap briefly, so track peers by <see cref="PeerConnection"/> instance rather than by node id.
/// </summary>
/// <param name="Peer">The connection concerned.</param>
public abstract record PeerEvent(PeerConnection Peer);
