using BenchmarkDotNet.Attributes;
using Chain.Benchmarks.Support;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Network.Messages;

namespace Chain.Benchmarks.Micro;

/// <summary>JSON message encoding and decoding: an inv of 1,000 ids, a tx message of 100 transfers, a block of 1,000 transfers.</summary>
[MemoryDiagnoser]
public class MessageCodecBenchmarks
{
    private Workload _workload = null!;
    private InvMessage _inv = null!;
    private TxMessage _txs = null!;
    private BlockMessage _block = null!;
    private byte[] _invBytes = null!;
    private byte[] _txsBytes = null!;
    private byte[] _blockBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _workload = Workload.Create(senders: 10, noncesPerSender: 100);
        var transfers = _workload.Slice(0, 100);
        _inv = new InvMessage([.. transfers.Select(t => t.Id.ToString())], []);
        _txs = new TxMessage([.. transfers.Take(100).Select(t => t.Encode())]);
        var block = DevBlocks.Build(_workload.FundingBlocks[^1].Header, Address.Zero, transfers);
        _block = new BlockMessage(block.Encode());
        _invBytes = MessageCodec.Encode(_inv);
        _txsBytes = MessageCodec.Encode(_txs);
        _blockBytes = MessageCodec.Encode(_block);
    }

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    [Benchmark]
    public byte[] EncodeInv1000() => MessageCodec.Encode(_inv);

    [Benchmark]
    public Message? DecodeInv1000() => MessageCodec.TryDecode(_invBytes, out _);

    [Benchmark]
    public byte[] EncodeTx100() => MessageCodec.Encode(_txs);

    [Benchmark]
    public Message? DecodeTx100() => MessageCodec.TryDecode(_txsBytes, out _);

    [Benchmark]
    public byte[] EncodeBlock1000() => MessageCodec.Encode(_block);

    [Benchmark]
    public Message? DecodeBlock1000() => MessageCodec.TryDecode(_blockBytes, out _);

    /// <summary>What a receiver does after decoding a block message: base64 back to bytes, then the canonical decode.</summary>
    [Benchmark]
    public Block DecodeBlock1000ToLedgerBlock() => Block.Decode(((BlockMessage)MessageCodec.TryDecode(_blockBytes, out _)!).Block);
}
