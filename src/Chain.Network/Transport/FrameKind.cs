namespace Chain.Network.Transport;

/// <summary>The first plaintext byte of a sealed frame: what the rest of the frame is.</summary>
public enum FrameKind : byte
{
    /// <summary>Key confirmation, the last handshake step: empty body, counter 0, once per direction.</summary>
    Finished = 0,

    /// <summary>An opaque message-layer payload.</summary>
    Data = 1,

    /// <summary>Keepalive request; the body (at most 64 bytes) is echoed in the pong.</summary>
    Ping = 2,

    /// <summary>Keepalive answer echoing the ping's body.</summary>
    Pong = 3,

    /// <summary>The sender closes the connection; the body is a UTF-8 reason.</summary>
    Disconnect = 4,
}
