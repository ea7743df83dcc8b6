using Chain.Network.Transport;

namespace Chain.Network.Handshake;

/// <summary>The outcome of a successful handshake: the authenticated peer and the session's two frame ciphers.</summary>
public sealed class HandshakeResult : IDisposable
{
    internal HandshakeResult(PeerHello peer, bool isInitiator, FrameCipher sender, FrameCipher receiver)
    {
        Peer = peer;
        IsInitiator = isInitiator;
        Sender = sender;
        Receiver = receiver;
    }

    /// <summary>The peer's validated hello.</summary>
    public PeerHello Peer { get; }

    /// <summary>True when we dialled the peer.</summary>
    public bool IsInitiator { get; }

    /// <summary>Seals the frames we send (its counter is past our Finished frame).</summary>
    public FrameCipher Sender { get; }

    /// <summary>Opens the frames we receive (its counter is past the peer's Finished frame).</summary>
    public FrameCipher Receiver { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Sender.Dispose();
        Receiver.Dispose();
    }
}
