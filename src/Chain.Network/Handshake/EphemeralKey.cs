using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Chain.Network.Handshake;

/// <summary>A one-connection X25519 key pair, for forward secrecy.</summary>
public sealed class EphemeralKey
{
    /// <summary>Length of an X25519 public key, private key or shared secret in bytes.</summary>
    public const int Size = 32;

    private readonly X25519PrivateKeyParameters _private;

    private EphemeralKey(X25519PrivateKeyParameters privateKey)
    {
        _private = privateKey;
        PublicKey = privateKey.GeneratePublicKey().GetEncoded();
    }

    /// <summary>The 32-byte public key sent in the hello.</summary>
    public byte[] PublicKey { get; }

    /// <summary>A fresh random key pair.</summary>
    public static EphemeralKey Generate() => new(new X25519PrivateKeyParameters(new SecureRandom()));

    /// <summary>The key pair of a fixed 32-byte private key (test vectors).</summary>
    public static EphemeralKey FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != Size)
        {
            throw new ArgumentException($"An X25519 private key is {Size} bytes.", nameof(privateKey));
        }

        return new EphemeralKey(new X25519PrivateKeyParameters(privateKey.ToArray()));
    }

    /// <summary>The X25519 shared secret with a peer's public key.</summary>
    /// <exception cref="Transport.PeerProtocolException">The peer's key is malformed or of small order (all-zero secret).</exception>
    public byte[] Agree(ReadOnlySpan<byte> peerPublicKey)
    {
        if (peerPublicKey.Length != Size)
        {
            throw new Transport.PeerProtocolException($"An ephemeral key is {Size} bytes.");
        }

        var agreement = new X25519Agreement();
        agreement.Init(_private);
        var secret = new byte[agreement.AgreementSize];
        try
        {
            agreement.CalculateAgreement(new X25519PublicKeyParameters(peerPublicKey.ToArray()), secret, 0);
        }
        catch (InvalidOperationException e)
        {
            throw new Transport.PeerProtocolException("The peer's ephemeral key is invalid.", e);
        }

        if (secret.AsSpan().IndexOfAnyExcept((byte)0) < 0)
        {
            throw new Transport.PeerProtocolException("The peer's ephemeral key is invalid.");
        }

        return secret;
    }
}
