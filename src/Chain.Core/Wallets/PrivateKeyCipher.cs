using System.Security.Cryptography;
using Chain.Core.Crypto;
using Org.BouncyCastle.Crypto.Generators;

namespace Chain.Core.Wallets;

/// <summary>
/// Encrypts a PKCS#8 private key under a passphrase: scrypt derives a 256-bit key from the passphrase
/// (its exact UTF-8 bytes) and a random salt; AES-256-GCM with a random 96-bit nonce encrypts the key,
/// authenticating <c>"chain.wallet" | version:u8 | address:20</c> as associated data.
/// </summary>
internal static class PrivateKeyCipher
{
    /// <summary>The only key-derivation function name written and accepted.</summary>
    public const string KdfName = "scrypt";

    /// <summary>Salt length written, in bytes.</summary>
    public const int SaltSize = 16;

    /// <summary>Shortest salt accepted, in bytes.</summary>
    public const int MinSaltSize = 16;

    /// <summary>Longest salt accepted, in bytes.</summary>
    public const int MaxSaltSize = 64;

    /// <summary>AES-GCM nonce length, in bytes.</summary>
    public const int NonceSize = 12;

    /// <summary>AES-GCM tag length, in bytes.</summary>
    public const int TagSize = 16;

    /// <summary>Derived key length, in bytes (AES-256).</summary>
    public const int KeySize = 32;

    /// <summary>Longest ciphertext accepted, in bytes (an RSA-2048 PKCS#8 key is about 1,220).</summary>
    public const int MaxCiphertextSize = 4096;

    private static ReadOnlySpan<byte> AssociatedDataPrefix => "chain.wallet"u8;

    /// <summary>Encrypts <paramref name="pkcs8"/> with fresh salt and nonce.</summary>
    public static EncryptedPrivateKeyDocument Encrypt(ReadOnlySpan<byte> pkcs8, string passphrase, byte version, Address address, ScryptParameters kdf)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var ciphertext = new byte[pkcs8.Length];
        var tag = new byte[TagSize];
        var key = DeriveKey(passphrase, salt, kdf);
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(nonce, pkcs8, ciphertext, tag, AssociatedData(version, address));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        return new EncryptedPrivateKeyDocument
        {
            Kdf = KdfName,
            N = kdf.N,
            R = kdf.R,
            P = kdf.P,
            Salt = salt,
            Nonce = nonce,
            Ciphertext = ciphertext,
            Tag = tag,
        };
    }

    /// <summary>Why <paramref name="document"/> cannot be decrypted without running the KDF, or null if it can be tried.</summary>
    public static string? Validate(EncryptedPrivateKeyDocument document)
    {
        if (document.Kdf != KdfName)
        {
            return $"unsupported key-derivation function \"{document.Kdf}\" (only \"{KdfName}\" is known).";
        }

        var kdf = new ScryptParameters(document.N, document.R, document.P);
        if (!kdf.IsWithinBounds)
        {
            return $"scrypt parameters N={kdf.N}, r={kdf.R}, p={kdf.P} are invalid or beyond the accepted bounds "
                + $"(N a power of two up to {ScryptParameters.MaxN}, r up to {ScryptParameters.MaxR}, p up to {ScryptParameters.MaxP}, "
                + $"128·N·r up to {ScryptParameters.MaxMemoryBytes} bytes).";
        }

        if (document.Salt.Length is < MinSaltSize or > MaxSaltSize)
        {
            return $"salt of {document.Salt.Length} bytes (expected {MinSaltSize} to {MaxSaltSize}).";
        }

        if (document.Nonce.Length != NonceSize)
        {
            return $"nonce of {document.Nonce.Length} bytes (expected {NonceSize}).";
        }

        if (document.Tag.Length != TagSize)
        {
            return $"tag of {document.Tag.Length} bytes (expected {TagSize}).";
        }

        if (document.Ciphertext.Length is 0 or > MaxCiphertextSize)
        {
            return $"ciphertext of {document.Ciphertext.Length} bytes (expected 1 to {MaxCiphertextSize}).";
        }

        return null;
    }

    /// <summary>
    /// Decrypts a document that passed <see cref="Validate"/>; null when the passphrase is wrong or any
    /// authenticated part (ciphertext, tag, salt, nonce, parameters, address, version) was altered.
    /// </summary>
    public static byte[]? TryDecrypt(EncryptedPrivateKeyDocument document, string passphrase, byte version, Address address)
    {
        var kdf = new ScryptParameters(document.N, document.R, document.P);
        var key = DeriveKey(passphrase, document.Salt, kdf);
        var plaintext = new byte[document.Ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(document.Nonce, document.Ciphertext, document.Tag, plaintext, AssociatedData(version, address));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] DeriveKey(string passphrase, byte[] salt, ScryptParameters kdf)
    {
        if (!kdf.IsWithinBounds)
        {
            throw new ArgumentOutOfRangeException(nameof(kdf), kdf, "scrypt parameters out of bounds.");
        }

        // The exact UTF-8 bytes, without Unicode normalisation: the node runs in invariant globalization mode,
        // where normalisation is unavailable, and a passphrase must not change meaning with the runtime's setup.
        var password = System.Text.Encoding.UTF8.GetBytes(passphrase);
        try
        {
            return SCrypt.Generate(password, salt, kdf.N, kdf.R, kdf.P, KeySize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
        }
    }

    private static byte[] AssociatedData(byte version, Address address)
    {
        var data = new byte[AssociatedDataPrefix.Length + 1 + Address.Size];
        AssociatedDataPrefix.CopyTo(data);
        data[AssociatedDataPrefix.Length] = version;
        address.WriteTo(data.AsSpan(AssociatedDataPrefix.Length + 1));
        return data;
    }
}
