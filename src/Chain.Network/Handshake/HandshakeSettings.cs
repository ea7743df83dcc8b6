using System.Security.Cryptography;

namespace Chain.Network.Handshake;

/// <summary>The local side of one handshake: who we are and what our hello says.</summary>
public sealed class HandshakeSettings
{
    /// <summary>Our node key.</summary>
    public required NodeKey NodeKey { get; init; }

    /// <summary>Our network magic and genesis hash.</summary>
    public required NetworkIdentity Network { get; init; }

    /// <summary>Port we accept connections on; 0 when not listening.</summary>
    public int ListenPort { get; init; }

    /// <summary>Our chain tip.</summary>
    public ChainStatus Status { get; init; }

    /// <summary>Free text naming our software (at most <see cref="PeerHandshake.MaxUserAgentLength"/> bytes of UTF-8).</summary>
    public string UserAgent { get; init; } = PeerHandshake.DefaultUserAgent;

    /// <summary>Our hello nonce; a fresh random one when null (set it to recognise our own hello coming back).</summary>
    public byte[]? Nonce { get; init; }

    /// <summary>True when a peer's hello nonce is one we sent ourselves, which means we dialled ourselves.</summary>
    public Func<ReadOnlyMemory<byte>, bool>? IsOwnNonce { get; init; }

    /// <summary>Test hook: encrypt our secret to this key instead of the peer's.</summary>
    internal RSA? EncryptSecretToOverride { get; init; }
}
