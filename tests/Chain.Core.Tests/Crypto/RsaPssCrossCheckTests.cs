using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;
using CsCheck;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Chain.Core.Tests.Crypto;

/// <summary>
/// The platform's RSA-PSS (via <see cref="RsaPss"/>) and BouncyCastle's independent PssSigner agree: SHA-256,
/// MGF1-SHA-256, 32-byte salt, trailer 0xBC, both ways.
/// </summary>
public sealed class RsaPssCrossCheckTests : IDisposable
{
    private const byte Trailer = 0xBC;
    private const int SaltLength = 32;

    private readonly RSA _key = TestKeys.Load(TestKeys.PemA);
    private readonly AsymmetricKeyParameter _bcPrivate;
    private readonly AsymmetricKeyParameter _bcPublic;

    public RsaPssCrossCheckTests()
    {
        _bcPrivate = PrivateKeyFactory.CreateKey(_key.ExportPkcs8PrivateKey());
        _bcPublic = PublicKeyFactory.CreateKey(_key.ExportSubjectPublicKeyInfo());
    }

    public void Dispose() => _key.Dispose();

    [Fact]
    public void SignData_Platform_VerifiesWithBouncyCastle()
    {
        Gen.Byte.Array[0, 300].Sample(data =>
        {
            var signature = RsaPss.SignData(_key, data);
            Assert.True(BouncyCastleVerify(data, signature));
        }, iter: 25);
    }

    [Fact]
    public void SignHash_Platform_VerifiesWithBouncyCastleOverTheData()
    {
        Gen.Byte.Array[0, 300].Sample(data =>
        {
            var signature = RsaPss.SignHash(_key, SHA256.HashData(data));
            Assert.True(BouncyCastleVerify(data, signature));
            Assert.True(BouncyCastleVerifyDigest(SHA256.HashData(data), signature));
        }, iter: 25);
    }

    [Fact]
    public void Sign_BouncyCastle_VerifiesWithPlatformVerifyDataAndVerifyHash()
    {
        Gen.Byte.Array[0, 300].Sample(data =>
        {
            var signature = BouncyCastleSign(data);
            Assert.Equal(RsaPss.SignatureSize, signature.Length);
            Assert.True(RsaPss.VerifyData(_key, data, signature));
            Assert.True(RsaPss.VerifyHash(_key, SHA256.HashData(data), signature));
        }, iter: 25);
    }

    [Fact]
    public void Verify_TamperedSignature_FailsOnBothSides()
    {
        var data = "the same message"u8.ToArray();
        var platform = RsaPss.SignData(_key, data);
        var bouncy = BouncyCastleSign(data);

        foreach (var signature in new[] { platform, bouncy })
        {
            for (var i = 0; i < signature.Length; i += 51)
            {
                var tampered = (byte[])signature.Clone();
                tampered[i] ^= 0x04;
                Assert.False(RsaPss.VerifyData(_key, data, tampered));
                Assert.False(BouncyCastleVerify(data, tampered));
            }
        }
    }

    [Fact]
    public void Verify_TamperedData_FailsOnBothSides()
    {
        var signature = RsaPss.SignData(_key, "amount=10"u8);

        Assert.False(RsaPss.VerifyData(_key, "amount=11"u8, signature));
        Assert.False(BouncyCastleVerify("amount=11"u8.ToArray(), signature));
    }

    [Fact]
    public void Verify_SignatureWithOtherSaltLength_IsRejectedOnBothSides()
    {
        // The scheme fixes the salt at 32 bytes: a valid PSS signature with a 20-byte salt is not one of ours.
        var data = "salt"u8.ToArray();
        var signer = new PssSigner(new RsaBlindedEngine(), new Sha256Digest(), new Sha256Digest(), 20, Trailer);
        signer.Init(true, new ParametersWithRandom(_bcPrivate, new SecureRandom()));
        signer.BlockUpdate(data, 0, data.Length);
        var signature = signer.GenerateSignature();

        Assert.False(BouncyCastleVerify(data, signature));
        Assert.False(RsaPss.VerifyData(_key, data, signature));
    }

    [Theory]
    [InlineData(0, "SHA-256")]
    [InlineData(20, "SHA-256")]
    [InlineData(31, "SHA-256")]
    [InlineData(32, "SHA-256")]
    [InlineData(33, "SHA-256")]
    [InlineData(222, "SHA-256")]
    [InlineData(32, "SHA-1")]
    public void KeyCache_BothPaths_AgreeWithPlatformOnEverySaltAndMgf(int saltLength, string mgfDigest)
    {
        // The OpenSSL fast path must accept exactly what the platform accepts, or nodes would disagree on validity.
        var data = "salted"u8.ToArray();
        var digest = SHA256.HashData(data);
        IDigest mgf = mgfDigest == "SHA-1" ? new Sha1Digest() : new Sha256Digest();
        var signer = new PssSigner(new RsaBlindedEngine(), new Sha256Digest(), mgf, saltLength, Trailer);
        signer.Init(true, new ParametersWithRandom(_bcPrivate, new SecureRandom()));
        signer.BlockUpdate(data, 0, data.Length);
        var signature = signer.GenerateSignature();
        var spki = _key.ExportSubjectPublicKeyInfo();

        var expected = RsaPss.VerifyHash(_key, digest, signature);

        Assert.Equal(saltLength == SaltLength && mgfDigest == "SHA-256", expected);
        foreach (var useOpenSsl in new[] { true, false })
        {
            var cache = new RsaPublicKeyCache(RsaPublicKeyCache.DefaultCapacity, useOpenSsl);
            Assert.Equal(expected, cache.VerifyHash(spki, digest, signature));
            Assert.Equal(expected, cache.VerifyHash(spki, digest, signature));
        }
    }

    [Fact]
    public void KeyCache_OpenSslPath_RandomSignaturesAndFlips_AgreeWithPlatform()
    {
        var spki = _key.ExportSubjectPublicKeyInfo();
        var fast = new RsaPublicKeyCache(RsaPublicKeyCache.DefaultCapacity, useOpenSsl: true);
        var digest = SHA256.HashData("flips"u8);
        var valid = RsaPss.SignHash(_key, digest);
        Gen.Select(Gen.Int[0, (RsaPss.SignatureSize * 8) - 1], Gen.Bool, Gen.Byte.Array[RsaPss.SignatureSize]).Sample((bit, random, noise) =>
        {
            var signature = random ? noise : (byte[])valid.Clone();
            signature[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Equal(RsaPss.VerifyHash(_key, digest, signature), fast.VerifyHash(spki, digest, signature));
        }, iter: 200);
        Assert.True(fast.VerifyHash(spki, digest, valid));
    }

    [Fact]
    public void TryParsePublicKey_ExponentOtherThan65537_RefusedOnBothPaths()
    {
        // A valid RSA-2048 key with e = 3, made by BouncyCastle: well-formed, but not a key the rules accept.
        var generator = new Org.BouncyCastle.Crypto.Generators.RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(Org.BouncyCastle.Math.BigInteger.Three, new SecureRandom(), 2048, 80));
        var pair = generator.GenerateKeyPair();
        var spki = Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public).GetDerEncoded();
        var digest = SHA256.HashData("e=3"u8);
        var signer = PssSigner.CreateRawSigner(new RsaBlindedEngine(), new Sha256Digest(), new Sha256Digest(), SaltLength, Trailer);
        signer.Init(true, new ParametersWithRandom(pair.Private, new SecureRandom()));
        signer.BlockUpdate(digest, 0, digest.Length);
        var signature = signer.GenerateSignature();

        Assert.False(RsaPss.TryParsePublicKey(spki, out _));
        Assert.Null(RsaPss.TryImportPublicKey(spki));
        Assert.Null(OpenSslPss.ImportPublicKey(spki));
        Assert.False(new RsaPublicKeyCache(RsaPublicKeyCache.DefaultCapacity, useOpenSsl: true).VerifyHash(spki, digest, signature));
        Assert.False(new RsaPublicKeyCache(RsaPublicKeyCache.DefaultCapacity, useOpenSsl: false).VerifyHash(spki, digest, signature));
    }

    [Fact]
    public void TryParsePublicKey_EvenModulus_Refused()
    {
        var spki = _key.ExportSubjectPublicKeyInfo();
        var even = (byte[])spki.Clone();
        even[^6] &= 0xFE; // the modulus's last byte sits before the exponent's 02 03 01 00 01

        Assert.True(RsaPss.TryParsePublicKey(spki, out _));
        Assert.False(RsaPss.TryParsePublicKey(even, out _));
    }

    [Theory]
    [InlineData("modulus as a negative integer")]
    [InlineData("long-form length of the inner sequence")]
    [InlineData("byte after the RSAPublicKey")]
    public void TryParsePublicKey_NonCanonicalEncodingTheManagedParserTolerates_Refused(string form)
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        var n = parameters.Modulus!;
        Assert.Equal(_key.ExportSubjectPublicKeyInfo(), Spki([0x00, .. n])); // the builder makes the canonical form
        var spki = form switch
        {
            "modulus as a negative integer" => Spki(n),
            "long-form length of the inner sequence" => Spki([0x00, .. n], longFormInner: true),
            _ => Spki([0x00, .. n], afterInner: [0x00]),
        };

        using var capture = new RsaParameterCapture();
        capture.ImportSubjectPublicKeyInfo(spki, out var read);
        Assert.Equal(spki.Length, read); // .NET's parser takes it...
        Assert.False(RsaPss.TryParsePublicKey(spki, out _)); // ...the rule does not
        Assert.Null(OpenSslPss.ImportPublicKey(spki));
    }

    private static byte[] Spki(byte[] modulusInteger, bool longFormInner = false, byte[]? afterInner = null)
    {
        byte[] algorithm = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];
        var inner = Tlv(0x30, [.. Tlv(0x02, modulusInteger), .. Tlv(0x02, [0x01, 0x00, 0x01])], longFormInner);
        return Tlv(0x30, [.. algorithm, .. Tlv(0x03, [0x00, .. inner, .. afterInner ?? []])]);
    }

    private static byte[] Tlv(byte tag, byte[] content, bool longForm = false)
    {
        var length = content.Length;
        byte[] header = longForm ? [tag, 0x83, (byte)(length >> 16), (byte)(length >> 8), (byte)length]
            : length < 0x80 ? [tag, (byte)length]
            : length < 0x100 ? [tag, 0x81, (byte)length]
            : [tag, 0x82, (byte)(length >> 8), (byte)length];
        return [.. header, .. content];
    }

    [Fact]
    public void ImportPublicKey_MutatedKeys_BothPathsAcceptExactlyTheSame()
    {
        // Bit flips, byte changes, cuts and additions in SubjectPublicKeyInfo: the OpenSSL key is built for exactly
        // the inputs the platform path imports, and a signature by the original key verifies the same on both.
        var original = _key.ExportSubjectPublicKeyInfo();
        var digest = SHA256.HashData("mutated"u8);
        var signature = RsaPss.SignHash(_key, digest);
        var accepted = 0;
        Gen.Select(Gen.Int[0, 3], Gen.Int, Gen.Byte).Array[1, 3].Sample(mutations =>
        {
            var spki = (byte[])original.Clone();
            foreach (var (kind, where, value) in mutations)
            {
                var at = (int)((uint)where % (uint)spki.Length);
                spki = kind switch
                {
                    0 => Flip(spki, at, value),
                    1 => [.. spki[..at], value, .. spki[(at + 1)..]],
                    2 => spki[..Math.Max(1, at)],
                    _ => [.. spki, value],
                };
            }

            using var platform = RsaPss.TryImportPublicKey(spki);
            using var native = OpenSslPss.ImportPublicKey(spki);
            Assert.Equal(platform is not null, native is not null || !OpenSslPss.IsAvailable);
            accepted += platform is null ? 0 : 1;
            var fast = new RsaPublicKeyCache(RsaPublicKeyCache.DefaultCapacity, useOpenSsl: true);
            var plain = new RsaPublicKeyCache(RsaPublicKeyCache.DefaultCapacity, useOpenSsl: false);
            Assert.Equal(plain.VerifyHash(spki, digest, signature), fast.VerifyHash(spki, digest, signature));
        }, iter: 2_000);

        Assert.True(accepted > 0, "some mutations (inside the modulus) must still be keys");
    }

    private static byte[] Flip(byte[] bytes, int at, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= (byte)(1 << (value % 8));
        return copy;
    }

    [Fact]
    public void CreateSigned_Transaction_VerifiesWithBouncyCastleOverSigningBytesAndId()
    {
        var recipient = Address.Parse("00112233445566778899aabbccddeeff00112233");
        var transaction = Transaction.CreateSigned(_key, network: 0xC0FFEE, recipient, amount: 1_000, fee: 5, nonce: 9);
        var senderKey = PublicKeyFactory.CreateKey(transaction.SenderPublicKey);

        // PSS over the signing bytes with SHA-256 hashes them to the id, which is what the platform signed.
        Assert.True(BouncyCastleVerify(transaction.GetSigningBytes(), transaction.Signature, senderKey));
        Assert.True(BouncyCastleVerifyDigest(transaction.Id.ToArray(), transaction.Signature, senderKey));
        Assert.True(transaction.VerifySignature());

        var tampered = (byte[])transaction.Signature.Clone();
        tampered[^1] ^= 0x01;
        Assert.False(BouncyCastleVerify(transaction.GetSigningBytes(), tampered, senderKey));
        var forged = Transaction.FromParts(transaction.Network, transaction.SenderPublicKey, transaction.Recipient, transaction.Amount, transaction.Fee, transaction.Nonce, tampered);
        Assert.False(forged.VerifySignature());
    }

    private static PssSigner NewSigner() =>
        new(new RsaBlindedEngine(), new Sha256Digest(), new Sha256Digest(), SaltLength, Trailer);

    private byte[] BouncyCastleSign(byte[] data)
    {
        var signer = NewSigner();
        signer.Init(true, new ParametersWithRandom(_bcPrivate, new SecureRandom()));
        signer.BlockUpdate(data, 0, data.Length);
        return signer.GenerateSignature();
    }

    private bool BouncyCastleVerify(byte[] data, byte[] signature) => BouncyCastleVerify(data, signature, _bcPublic);

    private static bool BouncyCastleVerify(byte[] data, byte[] signature, AsymmetricKeyParameter publicKey)
    {
        var verifier = NewSigner();
        verifier.Init(false, publicKey);
        verifier.BlockUpdate(data, 0, data.Length);
        return VerifyOrOutOfRange(verifier, signature);
    }

    private bool BouncyCastleVerifyDigest(byte[] digest, byte[] signature) => BouncyCastleVerifyDigest(digest, signature, _bcPublic);

    // A "raw" PSS signer takes the 32-byte digest as input instead of hashing the message itself.
    private static bool BouncyCastleVerifyDigest(byte[] digest, byte[] signature, AsymmetricKeyParameter publicKey)
    {
        var verifier = PssSigner.CreateRawSigner(new RsaBlindedEngine(), new Sha256Digest(), new Sha256Digest(), SaltLength, Trailer);
        verifier.Init(false, publicKey);
        verifier.BlockUpdate(digest, 0, digest.Length);
        return VerifyOrOutOfRange(verifier, signature);
    }

    // BouncyCastle's RSA engine throws DataLengthException ("input too large for RSA cipher") for a signature whose
    // value is not below the modulus, instead of answering false. Tampering with the leading byte makes such a value
    // for some keys (the keys are random per run), and it is not a valid signature: count it as a rejection.
    private static bool VerifyOrOutOfRange(PssSigner verifier, byte[] signature)
    {
        try
        {
            return verifier.VerifySignature(signature);
        }
        catch (DataLengthException)
        {
            return false;
        }
    }
}
