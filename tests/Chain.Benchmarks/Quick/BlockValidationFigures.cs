using System.Diagnostics;
using Chain.Benchmarks.Support;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Benchmarks.Quick;

/// <summary>
/// Whole-block validation through <see cref="Blockchain.SubmitBlock"/>: a block of new transactions (signatures
/// verified in parallel) and a block whose transactions were verified when they entered the mempool (cache hits).
/// </summary>
internal static class BlockValidationFigures
{
    public const int TransactionsPerBlock = 2_000;

    public static void Run(Report report, Workload workload)
    {
        var perSender = TransactionsPerBlock / workload.Senders;

        // Warm-up on a throwaway ledger, then the measured one.
        SubmitNew(workload, workload.Slice(0, perSender));
        var (newMs, _) = SubmitNew(workload, workload.Slice(0, perSender));
        var count = perSender * workload.Senders;
        report.Add("block.validate_ms_new_txs", newMs, "ms");
        report.Add("block.verify_per_sec_in_block", count / (newMs / 1000), "tx/s");

        var chain = Preloaded(workload);
        foreach (var tx in workload.Slice(0, perSender))
        {
            Expect(chain.SubmitTransaction(tx).IsValid, "mempool admission");
        }

        var template = chain.CreateTemplate(Address.Zero, maxTransactions: count);
        var block = new Block(DevBlocks.Solve(template.Header), template.Transactions);
        var watch = Stopwatch.StartNew();
        Expect(chain.SubmitBlock(block).Status == BlockStatus.Connected, "block from the mempool");
        report.Add("block.validate_ms_mempool_txs", watch.Elapsed.TotalMilliseconds, "ms");
    }

    private static (double Ms, Blockchain Chain) SubmitNew(Workload workload, List<Transaction> txs)
    {
        var chain = Preloaded(workload);
        var block = DevBlocks.Build(chain.Tip.Header, Address.Zero, txs);
        var watch = Stopwatch.StartNew();
        Expect(chain.SubmitBlock(block).Status == BlockStatus.Connected, "block of new transactions");
        return (watch.Elapsed.TotalMilliseconds, chain);
    }

    private static Blockchain Preloaded(Workload workload)
    {
        var chain = new Blockchain(Workload.Network, TimeProvider.System);
        Expect(chain.Load(workload.FundingBlocks) == 0, "funding blocks");
        return chain;
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Setup failed: {what}.");
        }
    }
}
