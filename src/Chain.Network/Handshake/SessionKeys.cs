using System.Security.Cryptography;
using System.Text;

namespace Chain.Network.Handshake;

/// <summary>
/// The two AES-256-GCM keys of a session: HKDF-SHA256 with IKM = X25519 shared secret || initiator's OAEP secret ||
/// responder's OAEP secret, salt = the transcript hash, and one info label per direction.
/// </summary>
public sealed class SessionKeys
{
    /// <summary>HKDF info for frames the initiator sends.</summary>
    public const string InitiatorToResponderLabel = "chain/1 initiator to responder";

    /// <summary>HKDF info for frames the responder sends.</summary>
    public const string ResponderToInitiatorLabel = "chain/1 responder to initiator";

    /// <summary>Length of each input secret and of the transcript hash, in bytes.</summary>
    public const int InputSize = 32;

    private SessionKeys(byte[] initiatorToResponder, byte[] responderToInitiator)
    {
        InitiatorToResponder = initiatorToResponder;
        ResponderToInitiator = responderToInitiator;
    }

    /// <summary>Key of the frames the initiator sends.</summary>
    public byte[] InitiatorToResponder { get; }

    /// <summary>Key of the frames the responder sends.</summary>
    public byte[] ResponderToInitiator { get; }

    /// <summary>Derives both keys; every input is exactly 32 bytes.</summary>
    public static SessionKeys Derive(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> initiatorSecret, ReadOnlySpan<byte> responderSecret, ReadOnlySpan<byte> transcriptHash)
    {
        if (sharedSecret.Length != InputSize || initiatorSecret.Length != InputSize || responderSecret.Length != InputSize || transcriptHash.Length != InputSize)
        {
            throw new ArgumentException($"Every key-derivation input is {InputSize} bytes.");
        }

        Span<byte> ikm = stackalloc byte[3 * InputSize];
        sharedSecret.CopyTo(ikm);
        initiatorSecret.CopyTo(ikm[InputSize..]);
        responderSecret.CopyTo(ikm[(2 * InputSize)..]);
        Span<byte> prk = stackalloc byte[InputSize];
        HKDF.Extract(HashAlgorithmName.SHA256, ikm, transcriptHash, prk);
        var i2r = new byte[Transport.FrameCipher.KeySize];
        var r2i = new byte[Transport.FrameCipher.KeySize];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, i2r, Encoding.ASCII.GetBytes(InitiatorToResponderLabel));
        HKDF.Expand(HashAlgorithmName.SHA256, prk, r2i, Encoding.ASCII.GetBytes(ResponderToInitiatorLabel));
        CryptographicOperations.ZeroMemory(ikm);
        CryptographicOperations.ZeroMemory(prk);
        return new SessionKeys(i2r, r2i);
    }
}
