using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Chain.Network.Transport;

namespace Chain.Benchmarks.Micro;

/// <summary>
/// AES-256-GCM frames: sealing alone, and sealing then opening (the opener accepts only the next counter, so it
/// is measured in lockstep with a sealer; open alone is the difference).
/// </summary>
public class FrameCipherBenchmarks
{
    private FrameCipher _sealer = null!;
    private FrameCipher _roundSealer = null!;
    private FrameCipher _roundOpener = null!;
    private byte[] _body = null!;
    private byte[] _frame = null!;

    [Params(100, 4096, 1_048_576)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var key = RandomNumberGenerator.GetBytes(FrameCipher.KeySize);
        _sealer = new FrameCipher(key);
        _roundSealer = new FrameCipher(key);
        _roundOpener = new FrameCipher(key);
        _body = RandomNumberGenerator.GetBytes(PayloadBytes);
        _frame = new byte[FrameCipher.SealedLength(PayloadBytes)];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sealer.Dispose();
        _roundSealer.Dispose();
        _roundOpener.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int Seal() => _sealer.Seal(FrameKind.Data, _body, _frame);

    [Benchmark]
    public int SealAndOpen()
    {
        var length = _roundSealer.Seal(FrameKind.Data, _body, _frame);
        return _roundOpener.Open(_frame.AsSpan(FrameReader.HeaderSize, length - FrameReader.HeaderSize)).Body.Length;
    }
}
