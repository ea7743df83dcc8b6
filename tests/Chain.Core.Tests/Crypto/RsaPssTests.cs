using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Crypto;

public class RsaPssTests
{
    [Fact]
    public void VerifyData_OwnSignature_TrueOtherDataOrKeyFalse()
    {
        var key = TestChain.Key(0);
        var signature = RsaPss.SignData(key, "payload"u8);

        Assert.Equal(RsaPss.SignatureSize, signature.Length);
        Assert.True(RsaPss.VerifyData(key, "payload"u8, signature));
        Assert.False(RsaPss.VerifyData(key, "payloaD"u8, signature));
        Assert.False(RsaPss.VerifyData(TestChain.Key(1), "payload"u8, signature));
        Assert.False(RsaPss.VerifyData(key, "payload"u8, signature.AsSpan(1)));
    }

    [Fact]
    public void VerifyHash_PssWithSha256_VerifiesWithPlatformApi()
    {
        var key = TestChain.Key(0);
        var digest = SHA256.HashData("x"u8);

        var signature = RsaPss.SignHash(key, digest);

        Assert.True(key.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        Assert.False(key.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void TryImportPublicKey_ValidKey_ImportsSameKey()
    {
        var spki = TestChain.Key(0).ExportSubjectPublicKeyInfo();

        using var imported = RsaPss.TryImportPublicKey(spki);

        Assert.NotNull(imported);
        Assert.Equal(spki, imported.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void TryImportPublicKey_TrailingBytesGarbageOrOtherSize_Null()
    {
        var spki = TestChain.Key(0).ExportSubjectPublicKeyInfo();
        using var small = RSA.Create(1024);

        Assert.Null(RsaPss.TryImportPublicKey([.. spki, 0]));
        Assert.Null(RsaPss.TryImportPublicKey([1, 2, 3]));
        Assert.Null(RsaPss.TryImportPublicKey([]));
        Assert.Null(RsaPss.TryImportPublicKey(small.ExportSubjectPublicKeyInfo()));
    }
}
