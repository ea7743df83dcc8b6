using System.Security.Cryptography;

namespace Chain.Core.Crypto;

/// <summary>
/// The one signature scheme of Chain: RSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt,
/// over 2048-bit keys. <c>openssl dgst -sha256 -sigopt rsa_padding_mode:pss</c> verifies these.
/// </summary>
public static class RsaPss
{
    /// <summary>The only accepted modulus size, in bits.</summary>
    public const int KeySizeBits = 2048;

    /// <summary>Length of a signature in bytes.</summary>
    public const int SignatureSize = KeySizeBits / 8;

    /// <summary>Signs a 32-byte digest.</summary>
    public static byte[] SignHash(RSA key, ReadOnlySpan<byte> digest) =>
        key.SignHash(digest.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

    /// <summary>Signs the SHA-256 of <paramref name="data"/>.</summary>
    public static byte[] SignData(RSA key, ReadOnlySpan<byte> data) =>
        key.SignData(data.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

    /// <summary>Verifies a signature over a 32-byte digest; false for any malformed input.</summary>
    public static bool VerifyHash(RSA key, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSize)
        {
            return false;
        }

        try
        {
            return key.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Verifies a signature over the SHA-256 of <paramref name="data"/>.</summary>
    public static bool VerifyData(RSA key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        Span<byte> digest = stackalloc byte[Hash256.Size];
        SHA256.HashData(data, digest);
        return VerifyHash(key, digest, signature);
    }

    /// <summary>
    /// Imports a SubjectPublicKeyInfo DER RSA-2048 public key, or returns null when the bytes are not exactly one
    /// such key in the form <see cref="TryParsePublicKey"/> accepts.
    /// </summary>
    public static RSA? TryImportPublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        if (!TryParsePublicKey(subjectPublicKeyInfo, out var parameters))
        {
            return null;
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportParameters(parameters);
            return rsa;
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            return null;
        }
    }

    /// <summary>
    /// The validity rule for sender keys, the same on every platform and verification path: the key must be byte for
    /// byte the one DER SubjectPublicKeyInfo (rsaEncryption) of an odd modulus of exactly <see cref="KeySizeBits"/>
    /// bits and the public exponent <see cref="PublicExponent"/> (ENCODING.md gives the bytes). Checked against that
    /// layout directly: no parser (.NET's managed one tolerates some non-DER forms, OpenSSL's decoder is slow,
    /// serialised across threads and more lenient still) decides what is valid.
    /// </summary>
    public static bool TryParsePublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo, out RSAParameters parameters)
    {
        const int modulusSize = KeySizeBits / 8;
        parameters = default;
        if (subjectPublicKeyInfo.Length != CanonicalPrefix.Length + modulusSize + CanonicalSuffix.Length
            || !subjectPublicKeyInfo.StartsWith(CanonicalPrefix)
            || !subjectPublicKeyInfo.EndsWith(CanonicalSuffix))
        {
            return false;
        }

        // Top bit set: exactly 2048 bits (and the prefix's 00 byte is then the minimal DER sign byte); odd.
        var modulus = subjectPublicKeyInfo.Slice(CanonicalPrefix.Length, modulusSize);
        if (modulus[0] < 0x80 || (modulus[^1] & 1) == 0)
        {
            return false;
        }

        parameters = new RSAParameters { Modulus = modulus.ToArray(), Exponent = PublicExponentBytes.ToArray() };
        return true;
    }

    /// <summary>
    /// Why a key fails <see cref="TryParsePublicKey"/>'s rule, in words, for refusing a key before anything is signed with
    /// it; null when its SubjectPublicKeyInfo passes the rule.
    /// </summary>
    public static string? SenderKeyProblem(RSA key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (TryParsePublicKey(key.ExportSubjectPublicKeyInfo(), out _))
        {
            return null;
        }

        var parameters = key.ExportParameters(includePrivateParameters: false);
        var exponent = new System.Numerics.BigInteger(parameters.Exponent, isUnsigned: true, isBigEndian: true);
        if (key.KeySize != KeySizeBits)
        {
            return $"the key is RSA-{key.KeySize}; a sender key is RSA-{KeySizeBits}";
        }

        if (exponent != PublicExponent)
        {
            return $"the public exponent is {exponent}; a sender key must use {PublicExponent}, and every transaction signed by this key would be refused";
        }

        return "the public key is not in the one form a sender key may take (ENCODING.md, \"Sender key\")";
    }

    // SEQUENCE { SEQUENCE { rsaEncryption, NULL }, BIT STRING { SEQUENCE { INTEGER n (257 bytes, 00 first) ...
    private static ReadOnlySpan<byte> CanonicalPrefix =>
    [
        0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
        0x03, 0x82, 0x01, 0x0f, 0x00, 0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00,
    ];

    // ... INTEGER e = 65537 } } }
    private static ReadOnlySpan<byte> CanonicalSuffix => [0x02, 0x03, 0x01, 0x00, 0x01];

    /// <summary>The only public exponent accepted in a sender key (F4, what every RSA key generator here uses).</summary>
    public const int PublicExponent = 65537;

    private static ReadOnlySpan<byte> PublicExponentBytes => [0x01, 0x00, 0x01];
}
