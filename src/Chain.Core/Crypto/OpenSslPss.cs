using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Chain.Core.Crypto;

/// <summary>
/// RSA-PSS verification straight through the system's OpenSSL 3 <c>libcrypto</c>, with one verification context
/// per key and thread made once and reused. The platform's <see cref="System.Security.Cryptography.RSA.VerifyHash(ReadOnlySpan{byte}, ReadOnlySpan{byte}, System.Security.Cryptography.HashAlgorithmName, System.Security.Cryptography.RSASignaturePadding)"/>
/// builds and configures a fresh context on every call, which costs about as much as the RSA operation itself
/// (measured 26 k/s against 55 k/s reusing the context, one thread, same run; <c>openssl speed rsa2048</c>: 54 k/s).
/// Keys are built from the modulus and exponent that <see cref="RsaPss.TryParsePublicKey"/> accepted, the same rule
/// as on the platform path. Used only where <see cref="IsAvailable"/> (Linux with <c>libcrypto.so.3</c>); the platform path stays the
/// reference, and the tests check both give the same answer for every input.
/// </summary>
internal static partial class OpenSslPss
{
    private const string LibCrypto = "libcrypto.so.3";
    private const int RsaPkcs1PssPadding = 6;
    private const int EvpPkeyRsa = 6;

    private static readonly Lazy<nint> Sha256 = new(Probe);

    /// <summary>Whether the native path can be used in this process.</summary>
    public static bool IsAvailable => Sha256.Value != 0;

    /// <summary>
    /// The OpenSSL key of a sender key that <see cref="RsaPss.TryParsePublicKey"/> accepts (the same rule as the
    /// platform path), built straight from its modulus and exponent; null when refused or on any OpenSSL failure.
    /// </summary>
    public static SafeEvpPKeyHandle? ImportPublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        if (!OperatingSystem.IsLinux() || !RsaPss.TryParsePublicKey(subjectPublicKeyInfo, out var parameters))
        {
            return null;
        }

        // About 1 us, where the platform's import (OpenSSL's decoder) costs ~115 us and does not scale over threads.
        var key = BuildRsaKey(parameters.Modulus!, parameters.Exponent!);
        if (key == 0)
        {
            ERR_clear_error();
            return null;
        }

        var handle = new SafeEvpPKeyHandle(key, ownsHandle: true);
        if (EVP_PKEY_get_bits(handle) != RsaPss.KeySizeBits)
        {
            handle.Dispose();
            return null;
        }

        return handle;
    }

    /// <summary>A verification context for <paramref name="key"/> set to PSS, SHA-256, MGF1-SHA-256 and a 32-byte salt; invalid on failure.</summary>
    public static SafeEvpPkeyCtx CreateVerifyContext(SafeEvpPKeyHandle key)
    {
        var ctx = new SafeEvpPkeyCtx(EVP_PKEY_CTX_new_from_pkey(0, key, 0));
        var sha256 = Sha256.Value;
        if (ctx.IsInvalid
            || EVP_PKEY_verify_init(ctx) <= 0
            || EVP_PKEY_CTX_set_rsa_padding(ctx, RsaPkcs1PssPadding) <= 0
            || EVP_PKEY_CTX_set_signature_md(ctx, sha256) <= 0
            || EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, sha256) <= 0
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, Hash256.Size) <= 0)
        {
            ERR_clear_error();
            ctx.Dispose();
            return new SafeEvpPkeyCtx(0);
        }

        return ctx;
    }

    /// <summary>Verifies a signature over a 32-byte digest with a context from <see cref="CreateVerifyContext"/>.</summary>
    public static unsafe bool Verify(SafeEvpPkeyCtx ctx, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        int result;
        fixed (byte* sig = signature)
        fixed (byte* tbs = digest)
        {
            result = EVP_PKEY_verify(ctx, sig, (nuint)signature.Length, tbs, (nuint)digest.Length);
        }

        if (result != 1)
        {
            // A bad signature leaves an entry on this thread's error queue; drop it so the queue never grows.
            ERR_clear_error();
            return false;
        }

        return true;
    }

    // RSA_new + RSA_set0_key + EVP_PKEY_assign: each step takes ownership of the previous one's object on success.
    private static unsafe nint BuildRsaKey(byte[] modulus, byte[] exponent)
    {
        nint n, e;
        fixed (byte* m = modulus)
        {
            n = BN_bin2bn(m, modulus.Length, 0);
        }

        fixed (byte* x = exponent)
        {
            e = BN_bin2bn(x, exponent.Length, 0);
        }

        var rsa = RSA_new();
        if (n == 0 || e == 0 || rsa == 0 || RSA_set0_key(rsa, n, e, 0) != 1)
        {
            BN_free(n);
            BN_free(e);
            RSA_free(rsa);
            return 0;
        }

        var key = EVP_PKEY_new();
        if (key == 0 || EVP_PKEY_assign(key, EvpPkeyRsa, rsa) != 1)
        {
            RSA_free(rsa);
            EVP_PKEY_free(key);
            return 0;
        }

        return key;
    }

    // Every function this class calls must be exported (some are deprecated in OpenSSL 3 and may go): a missing one
    // would otherwise surface as EntryPointNotFoundException in the middle of a verification.
    private static readonly string[] Exports =
    [
        "BN_bin2bn", "BN_free", "ERR_clear_error", "EVP_PKEY_CTX_free", "EVP_PKEY_CTX_new_from_pkey",
        "EVP_PKEY_CTX_set_rsa_mgf1_md", "EVP_PKEY_CTX_set_rsa_padding", "EVP_PKEY_CTX_set_rsa_pss_saltlen",
        "EVP_PKEY_CTX_set_signature_md", "EVP_PKEY_assign", "EVP_PKEY_free", "EVP_PKEY_get_bits", "EVP_PKEY_new",
        "EVP_PKEY_verify", "EVP_PKEY_verify_init", "EVP_sha256", "RSA_free", "RSA_new", "RSA_set0_key",
    ];

    private static nint Probe()
    {
        // Keys built here are freed by .NET's SafeEvpPKeyHandle through the libcrypto .NET loaded: it must be the same
        // major version (the same soname, so the same library in this process).
        if (!OperatingSystem.IsLinux() || SafeEvpPKeyHandle.OpenSslVersion >> 28 != 3 || !NativeLibrary.TryLoad(LibCrypto, out var library))
        {
            return 0;
        }

        try
        {
            return Exports.All(name => NativeLibrary.TryGetExport(library, name, out _)) ? EVP_sha256() : 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return 0;
        }
    }

    [LibraryImport(LibCrypto)]
    private static partial nint EVP_PKEY_CTX_new_from_pkey(nint libraryContext, SafeEvpPKeyHandle key, nint properties);

    [LibraryImport(LibCrypto)]
    internal static partial void EVP_PKEY_CTX_free(nint ctx);

    [LibraryImport(LibCrypto)]
    private static partial int EVP_PKEY_verify_init(SafeEvpPkeyCtx ctx);

    [LibraryImport(LibCrypto)]
    private static partial int EVP_PKEY_CTX_set_rsa_padding(SafeEvpPkeyCtx ctx, int padding);

    [LibraryImport(LibCrypto)]
    private static partial int EVP_PKEY_CTX_set_signature_md(SafeEvpPkeyCtx ctx, nint md);

    [LibraryImport(LibCrypto)]
    private static partial int EVP_PKEY_CTX_set_rsa_mgf1_md(SafeEvpPkeyCtx ctx, nint md);

    [LibraryImport(LibCrypto)]
    private static partial int EVP_PKEY_CTX_set_rsa_pss_saltlen(SafeEvpPkeyCtx ctx, int saltLength);

    [LibraryImport(LibCrypto)]
    private static unsafe partial int EVP_PKEY_verify(SafeEvpPkeyCtx ctx, byte* signature, nuint signatureLength, byte* digest, nuint digestLength);

    [LibraryImport(LibCrypto)]
    private static partial nint EVP_sha256();

    [LibraryImport(LibCrypto)]
    private static unsafe partial nint BN_bin2bn(byte* bytes, int length, nint reuse);

    [LibraryImport(LibCrypto)]
    private static partial void BN_free(nint bignum);

    [LibraryImport(LibCrypto)]
    private static partial nint RSA_new();

    [LibraryImport(LibCrypto)]
    private static partial void RSA_free(nint rsa);

    [LibraryImport(LibCrypto)]
    private static partial int RSA_set0_key(nint rsa, nint modulus, nint exponent, nint privateExponent);

    [LibraryImport(LibCrypto)]
    private static partial nint EVP_PKEY_new();

    [LibraryImport(LibCrypto)]
    private static partial void EVP_PKEY_free(nint key);

    [LibraryImport(LibCrypto)]
    private static partial int EVP_PKEY_assign(nint key, int type, nint rsa);

    [LibraryImport(LibCrypto)]
    private static partial int EVP_PKEY_get_bits(SafeEvpPKeyHandle key);

    [LibraryImport(LibCrypto)]
    private static partial void ERR_clear_error();
}
