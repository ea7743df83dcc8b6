namespace Chain.Network.Peers;

/// <summary>An authenticated message-layer payload arrived; the memory is the receiver's to keep.</summary>
/// <param name="Peer">The sender.</param>
/// <param name="Payload">The decrypted payload, at most <see cref="Transport.FrameCipher.MaxPayloadSize"/> bytes.</param>
public sealed record PayloadReceivedEvent(PeerConnection Peer, ReadOnlyMemory<byte> Payload) : PeerEvent(Peer);
