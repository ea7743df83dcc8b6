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
    /// Imports a SubjectPublicKeyInfo DER RSA-2048 public key, or returns null when the bytes are not
    /// exactly one such key (trailing bytes, other algorithms and other sizes are refused).
    /// </summary>
    public static RSA? TryImportPublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        var rsa = RSA.Create();
        if (TryImportInto(rsa, subjectPublicKeyInfo))
        {
            return rsa;
        }

        rsa.Dispose();
        return null;
    }

    /// <summary>Imports into <paramref name="rsa"/> with the checks of <see cref="TryImportPublicKey"/>; false when refused.</summary>
    internal static bool TryImportInto(RSA rsa, ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        try
        {
            rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            return read == subjectPublicKeyInfo.Length && rsa.KeySize == KeySizeBits;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
