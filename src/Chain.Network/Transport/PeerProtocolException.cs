namespace Chain.Network.Transport;

/// <summary>
/// The one exception type for anything a remote peer can get wrong: bad framing, a refused or failed handshake,
/// a frame that fails authentication. The connection it concerns is closed; the node carries on.
/// </summary>
public sealed class PeerProtocolException : Exception
{
    /// <summary>Creates the exception with a reason fit for a log line.</summary>
    public PeerProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and the lower-level cause.</summary>
    public PeerProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// The reason code (<see cref="Handshake.DisconnectCode"/>) this node gave, or gives, the peer for the failure;
    /// null when it gave none (a broken connection, a timeout) or when <see cref="RefusedByPeer"/>.
    /// </summary>
    public string? Code { get; init; }

    /// <summary>
    /// True when the peer refused this node (its disconnect reason is in the message). A peer's word decides nothing
    /// here: such a refusal is an ordinary failure whatever its reason says.
    /// </summary>
    public bool RefusedByPeer { get; init; }

    /// <summary>
    /// True when a frame announced a length over the limit: from a peer, a violation; as the first frame of a
    /// handshake, the sign of a service that is not a Chain node (an HTTP reply's "HTTP" reads as 1,213,486,160 bytes).
    /// </summary>
    public bool FrameTooLarge { get; init; }

    /// <summary>Creates the exception with no reason (prefer the overloads that give one).</summary>
    public PeerProtocolException()
        : base("Peer protocol violation.")
    {
    }
}
