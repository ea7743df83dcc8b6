using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Crypto;

/// <summary>The cached-key path must answer exactly as the plain path (import, then verify) for every input.</summary>
public class RsaPublicKeyCacheTests
{
    private static bool Plain(ReadOnlySpan<byte> spki, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        using var rsa = RsaPss.TryImportPublicKey(spki);
        return rsa is not null && RsaPss.VerifyHash(rsa, digest, signature);
    }

    private static readonly string[] CaseNames = ["valid", "other digest", "short digest", "other key", "flipped signature bit", "short signature", "empty signature", "trailing key byte", "truncated key", "garbage key", "empty key", "1024-bit key"];

    /// <summary>Every case on both verification paths: OpenSSL contexts (where available) and the platform's RSA.</summary>
    public static TheoryData<string, bool> Cases
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var name in CaseNames)
            {
                data.Add(name, true);
                data.Add(name, false);
            }

            return data;
        }
    }

    public static TheoryData<bool> Paths => [true, false];

    [Fact]
    public void Constructor_LinuxWithLibCrypto3_UsesOpenSsl()
    {
        // Guards against the fast path silently never running (and so never being tested) where it should.
        if (OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libcrypto.so.3", out var handle))
        {
            NativeLibrary.Free(handle);
            Assert.True(new RsaPublicKeyCache().UsesOpenSsl);
        }

        Assert.False(new RsaPublicKeyCache(RsaPublicKeyCache.DefaultCapacity, useOpenSsl: false).UsesOpenSsl);
    }

    [Fact]
    public void OpenSslPss_EveryImportedFunction_IsProbedBeforeUse()
    {
        // IsAvailable checks each export exists; a function added without listing it could fail mid-verification.
        var type = typeof(OpenSslPss);
        var imported = type.GetMethods(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(m => m.GetCustomAttributes(typeof(LibraryImportAttribute), false).Length > 0)
            .Select(m => m.Name)
            .Order();
        var probed = (string[])type.GetField("Exports", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.GetValue(null)!;

        Assert.Equal(imported, probed.Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void VerifyHash_EachCase_SameAsPlainPath(string name, bool useOpenSsl)
    {
        var key = TestChain.Key(0);
        var spki = key.ExportSubjectPublicKeyInfo();
        var digest = SHA256.HashData("tx"u8);
        var signature = RsaPss.SignHash(key, digest);
        using var small = RSA.Create(1024);
        (spki, digest, signature) = name switch
        {
            "valid" => (spki, digest, signature),
            "other digest" => (spki, SHA256.HashData("ty"u8), signature),
            "short digest" => (spki, digest[1..], signature),
            "other key" => (TestChain.Key(1).ExportSubjectPublicKeyInfo(), digest, signature),
            "flipped signature bit" => (spki, digest, Flip(signature, 100)),
            "short signature" => (spki, digest, signature[1..]),
            "empty signature" => (spki, digest, []),
            "trailing key byte" => (spki.Append((byte)0).ToArray(), digest, signature),
            "truncated key" => (spki[..^1], digest, signature),
            "garbage key" => (SHA256.HashData(spki), digest, signature),
            "empty key" => ([], digest, signature),
            "1024-bit key" => (small.ExportSubjectPublicKeyInfo(), digest, RsaPss.SignHash(small, digest)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        var cache = new RsaPublicKeyCache(RsaPublicKeyCache.DefaultCapacity, useOpenSsl);

        var expected = Plain(spki, digest, signature);

        // Twice: the first call imports, the second uses the cached key.
        Assert.Equal(expected, cache.VerifyHash(spki, digest, signature));
        Assert.Equal(expected, cache.VerifyHash(spki, digest, signature));
        Assert.Equal(name == "valid", expected);
    }

    [Fact]
    public void VerifyHash_MalformedKey_NotCached()
    {
        var cache = new RsaPublicKeyCache();
        var spki = TestChain.Key(0).ExportSubjectPublicKeyInfo();

        cache.VerifyHash(spki[..^1], new byte[32], new byte[RsaPss.SignatureSize]);

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void VerifyHash_SameKeyManyTimes_OneEntry()
    {
        var cache = new RsaPublicKeyCache();
        var key = TestChain.Key(0);
        var spki = key.ExportSubjectPublicKeyInfo();
        for (var i = 0; i < 5; i++)
        {
            var digest = SHA256.HashData(BitConverter.GetBytes(i));
            Assert.True(cache.VerifyHash(spki, digest, RsaPss.SignHash(key, digest)));
        }

        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void VerifyHash_MoreKeysThanCapacity_StaysBoundedAndCorrect()
    {
        var cache = new RsaPublicKeyCache(capacity: 2);
        var digest = SHA256.HashData("x"u8);
        for (var round = 0; round < 3; round++)
        {
            for (var k = 0; k < 4; k++)
            {
                var key = TestChain.Key(k);
                Assert.True(cache.VerifyHash(key.ExportSubjectPublicKeyInfo(), digest, RsaPss.SignHash(key, digest)));
                Assert.False(cache.VerifyHash(key.ExportSubjectPublicKeyInfo(), digest, RsaPss.SignHash(TestChain.Key((k + 1) % 4), digest)));
                Assert.InRange(cache.Count, 1, 2);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void VerifyHash_ConcurrentCallersWhileEvicting_SameAnswersAsPlainPath(bool useOpenSsl)
    {
        // Three keys through a one-key cache: entries are retired while other threads verify with them.
        var keys = Enumerable.Range(0, 3).Select(TestChain.Key).ToArray();
        var spkis = keys.Select(k => k.ExportSubjectPublicKeyInfo()).ToArray();
        var digests = Enumerable.Range(0, 64).Select(i => SHA256.HashData(BitConverter.GetBytes(i))).ToArray();
        var signatures = digests.Select((d, i) => i % 3 == 0 ? Flip(RsaPss.SignHash(keys[i % 3], d), i) : RsaPss.SignHash(keys[i % 3], d)).ToArray();
        var cache = new RsaPublicKeyCache(capacity: 1, useOpenSsl);
        var results = new bool[digests.Length * 8];

        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var j = i % digests.Length;
            results[i] = cache.VerifyHash(spkis[j % 3], digests[j], signatures[j]);
        });

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(i % digests.Length % 3 != 0, results[i]);
        }
    }

    [Fact]
    public void TransactionVerifySignature_CachedAndPlain_Agree()
    {
        var key = TestChain.Key(0);
        var valid = TestChain.Transfer(key, TestChain.AddressOf(TestChain.Key(1)), 5, 0);
        var forged = Transaction.FromParts(valid.Network, valid.SenderPublicKey, valid.Recipient, valid.Amount + 1, valid.Fee, valid.Nonce, valid.Signature);
        var otherSigner = Transaction.FromParts(valid.Network, TestChain.Key(1).ExportSubjectPublicKeyInfo(), valid.Recipient, valid.Amount, valid.Fee, valid.Nonce, valid.Signature);
        var coinbase = Transaction.CreateCoinbase(valid.Network, valid.Recipient, 50, 1);
        var keys = new RsaPublicKeyCache();

        foreach (var tx in new[] { valid, forged, otherSigner, coinbase, valid })
        {
            Assert.Equal(tx.VerifySignature(), tx.VerifySignature(keys));
        }

        Assert.True(valid.VerifySignature(keys));
        Assert.False(forged.VerifySignature(keys));
    }

    private static byte[] Flip(byte[] bytes, int bit)
    {
        var copy = (byte[])bytes.Clone();
        copy[bit / 8 % copy.Length] ^= (byte)(1 << (bit % 8));
        return copy;
    }
}
