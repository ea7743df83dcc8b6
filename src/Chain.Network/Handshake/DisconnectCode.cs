namespace Chain.Network.Handshake;

/// <summary>
/// The reasons a node gives a peer it closes (PROTOCOL.md 4.7): one short code, never free text, so nothing of
/// the node's internals (exception text, type names, JSON paths) reaches the peer. The detail stays in the local log.
/// A receiver shows any printable reason and never acts on it.
/// </summary>
public static class DisconnectCode
{
    /// <summary>A handshake frame is not the expected, well-formed message.</summary>
    public const string MalformedHandshake = "malformed-handshake";

    /// <summary>The hello's protocol version is not spoken here.</summary>
    public const string UnsupportedVersion = "unsupported-version";

    /// <summary>The hello's network magic differs.</summary>
    public const string WrongNetwork = "wrong-network";

    /// <summary>The hello's genesis block differs.</summary>
    public const string WrongGenesis = "wrong-genesis";

    /// <summary>The hello's node id is not the hash of its node key.</summary>
    public const string NodeIdMismatch = "node-id-mismatch";

    /// <summary>The hello carries the receiver's own node id or one of its own nonces: it reached itself.</summary>
    public const string SelfConnection = "self-connection";

    /// <summary>The neighbour was pinned to another node id.</summary>
    public const string UnexpectedNodeId = "unexpected-node-id";

    /// <summary>The key-exchange signature does not verify.</summary>
    public const string BadKeyExchangeSignature = "bad-kex-signature";

    /// <summary>The peer's Finished frame did not open (wrong keys; also how a bad OAEP secret shows).</summary>
    public const string AuthenticationFailed = "auth-failed";

    /// <summary>The peer sent invalid data (PROTOCOL.md 9.6) and is discouraged for a while.</summary>
    public const string InvalidData = "invalid-data";

    /// <summary>The peer sent invalid data recently and is refused until its discouragement ends.</summary>
    public const string Discouraged = "discouraged";

    /// <summary>A frame-level violation after the handshake: a frame kind not allowed, a ping over its size, a frame that does not open.</summary>
    public const string ProtocolViolation = "protocol-violation";

    /// <summary>Two connections join the same two nodes; this one is dropped.</summary>
    public const string DuplicateConnection = "duplicate-connection";

    /// <summary>The inbound slot was given to another peer (PROTOCOL.md 6, eviction).</summary>
    public const string Evicted = "evicted";

    /// <summary>Nothing arrived for the idle timeout.</summary>
    public const string IdleTimeout = "idle-timeout";

    /// <summary>The node is stopping.</summary>
    public const string ShuttingDown = "shutting-down";

    /// <summary>Handling the peer's message failed inside this node (a bug here, not the peer's fault).</summary>
    public const string InternalError = "internal-error";

    /// <summary>Any other local decision (an operator's disconnect command, say).</summary>
    public const string Closed = "closed";
}
