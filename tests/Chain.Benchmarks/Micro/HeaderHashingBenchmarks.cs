using System.Buffers.Binary;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Mining;

namespace Chain.Benchmarks.Micro;

/// <summary>
/// Proof-of-work hashing of one header over <see cref="Nonces"/> nonces (times are per nonce): the platform
/// SHA-256 of the 92 bytes against <see cref="HeaderHasher"/>'s midstate search on each path.
/// </summary>
public class HeaderHashingBenchmarks
{
    public const int Nonces = 4096;

    private readonly byte[] _header = new byte[BlockHeader.Size];
    private readonly byte[] _digest = new byte[Hash256.Size];
    private HeaderHasher _scalar = null!;
    private HeaderHasher _vector256 = null!;
    private HeaderHasher _vector512 = null!;

    [GlobalSetup]
    public void Setup()
    {
        NetworkParameters.Dev.Genesis.Header.Encode(_header);
        _scalar = new HeaderHasher(_header, HeaderHashPath.Scalar);
        _vector256 = new HeaderHasher(_header, HeaderHashPath.Vector256);
        _vector512 = new HeaderHasher(_header, HeaderHashPath.Vector512);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Nonces)]
    public byte Sha256HashData()
    {
        for (ulong nonce = 0; nonce < Nonces; nonce++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_header.AsSpan(BlockHeader.NonceOffset), nonce);
            SHA256.HashData(_header, _digest);
        }

        return _digest[0];
    }

    // A zero target is never met, so every nonce of the range is hashed.
    [Benchmark(OperationsPerInvoke = Nonces)]
    public bool Scalar() => _scalar.TrySearch(0, Nonces, Hash256.Zero, out _);

    [Benchmark(OperationsPerInvoke = Nonces)]
    public bool Vector256() => _vector256.TrySearch(0, Nonces, Hash256.Zero, out _);

    [Benchmark(OperationsPerInvoke = Nonces)]
    public bool Vector512() => _vector512.TrySearch(0, Nonces, Hash256.Zero, out _);
}
