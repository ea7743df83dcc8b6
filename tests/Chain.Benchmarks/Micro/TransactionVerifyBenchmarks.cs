using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Benchmarks.Micro;

/// <summary>Transaction signature checks: the RSA-PSS verify alone, the plain path (key import per verify), full stateless validation.</summary>
[MemoryDiagnoser]
public class TransactionVerifyBenchmarks
{
    private RSA _key = null!;
    private RSA _publicKey = null!;
    private Transaction _tx = null!;
    private byte[] _id = null!;
    private byte[] _encoded = null!;
    private RsaPublicKeyCache _keys = null!;

    [GlobalSetup]
    public void Setup()
    {
        _key = RSA.Create(RsaPss.KeySizeBits);
        _tx = Transaction.CreateSigned(_key, NetworkParameters.Dev.Magic, Address.Zero, 1, NetworkParameters.Dev.MinFee, 0);
        _publicKey = RsaPss.TryImportPublicKey(_tx.SenderPublicKey)!;
        _id = _tx.Id.ToArray();
        _encoded = _tx.Encode();
        _keys = new RsaPublicKeyCache();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _key.Dispose();
        _publicKey.Dispose();
    }

    /// <summary>RSA-PSS verify with an already imported key: the floor of any transaction check.</summary>
    [Benchmark(Baseline = true)]
    public bool RsaVerifyOnly() => RsaPss.VerifyHash(_publicKey, _id, _tx.Signature);

    /// <summary>Importing the SubjectPublicKeyInfo alone.</summary>
    [Benchmark]
    public void ImportPublicKey() => RsaPss.TryImportPublicKey(_tx.SenderPublicKey)!.Dispose();

    /// <summary>The plain path: import the key, then verify.</summary>
    [Benchmark]
    public bool VerifySignature() => _tx.VerifySignature();

    /// <summary>The cached-key path: the sender key imported once, then only the verify.</summary>
    [Benchmark]
    public bool VerifySignature_CachedKey() => _tx.VerifySignature(_keys);

    /// <summary>Full stateless validation through a fresh signature cache (no cache hit of any kind).</summary>
    [Benchmark]
    public bool CheckStateless_FreshCache() => TransactionRules.CheckStateless(_tx, NetworkParameters.Dev, new SignatureCache()).IsValid;

    [Benchmark]
    public Transaction Decode() => Transaction.Decode(_encoded);

    [Benchmark]
    public byte[] Encode() => _tx.Encode();
}
