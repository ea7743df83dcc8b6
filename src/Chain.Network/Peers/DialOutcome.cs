namespace Chain.Network.Peers;

/// <summary>What one dial ended with: the connection to the node, and whether one to it was already open (nothing new was made).</summary>
/// <param name="Connection">The connection to the node dialled.</param>
/// <param name="AlreadyConnected">True when the node was already connected, either way: the dial added nothing.</param>
public sealed record DialOutcome(PeerConnection Connection, bool AlreadyConnected);
