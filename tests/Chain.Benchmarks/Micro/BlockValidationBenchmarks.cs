using BenchmarkDotNet.Attributes;
using Chain.Benchmarks.Support;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Benchmarks.Micro;

/// <summary>
/// <see cref="Blockchain.SubmitBlock(Block)"/> of a block of <see cref="Transactions"/> transfers onto a funded ledger: new
/// transactions (signatures verified in parallel) and transactions already verified in the mempool.
/// </summary>
[InvocationCount(1)]
public class BlockValidationBenchmarks
{
    private const int Senders = 10;

    private Workload _workload = null!;
    private Block _block = null!;
    private byte[] _encoded = null!;
    private Blockchain _chain = null!;

    [Params(100, 1000)]
    public int Transactions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _workload = Workload.Create(Senders, Transactions / Senders);
        _block = DevBlocks.Build(_workload.FundingBlocks[^1].Header, Address.Zero, _workload.Slice(0, Transactions / Senders));
        _encoded = _block.Encode();
    }

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    [IterationSetup(Targets = [nameof(SubmitBlock_NewTransactions)])]
    public void FreshLedger() => _chain = Funded();

    [IterationSetup(Targets = [nameof(SubmitBlock_MempoolTransactions)])]
    public void LedgerWithMempool()
    {
        _chain = Funded();
        foreach (var tx in _block.Transactions.Skip(1))
        {
            _chain.SubmitTransaction(tx);
        }
    }

    [Benchmark(Baseline = true)]
    public BlockStatus SubmitBlock_NewTransactions() => _chain.SubmitBlock(_block).Status;

    [Benchmark]
    public BlockStatus SubmitBlock_MempoolTransactions() => _chain.SubmitBlock(_block).Status;

    [Benchmark]
    public Block Decode() => Block.Decode(_encoded);

    [Benchmark]
    public Hash256 MerkleRoot() => MerkleTree.ComputeRoot(_block.Transactions);

    private Blockchain Funded()
    {
        var chain = new Blockchain(Workload.Network, TimeProvider.System);
        chain.Load(_workload.FundingBlocks);
        return chain;
    }
}
