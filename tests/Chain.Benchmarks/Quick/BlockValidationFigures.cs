using System.Diagnostics;
using Chain.Benchmarks.Support;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Benchmarks.Quick;

/// <summary>
/// Whole-block validation through <see cref="Blockchain.SubmitBlock(Block)"/>: a block of new transactions with its
/// signatures verified on one thread and on every core (the parallel speed-up), and a block whose transactions were
/// verified when they entered the mempool (cache hits).
/// </summary>
internal static class BlockValidationFigures
{
    public const int TransactionsPerBlock = 2_000;

    /// <summary>Repetitions of each measurement, alternating one thread and all threads; medians are reported.</summary>
    private const int Repetitions = 9;

    public static void Run(Report report, Workload workload)
    {
        var perSender = TransactionsPerBlock / workload.Senders;
        var txs = workload.Slice(0, perSender);
        var count = perSender * workload.Senders;

        // Each repetition validates the same block on a fresh ledger (cold caches, as for a block of unseen
        // transactions): once verifying on one thread, once on every core.
        SubmitNew(workload, txs, threads: 1);
        SubmitNew(workload, txs, Environment.ProcessorCount);
        var oneThread = new List<double>();
        var allThreads = new List<double>();
        for (var i = 0; i < Repetitions; i++)
        {
            oneThread.Add(SubmitNew(workload, txs, threads: 1));
            allThreads.Add(SubmitNew(workload, txs, Environment.ProcessorCount));
        }

        var newMs = Median(allThreads);
        report.Add("block.validate_ms_new_txs_1_thread", Median(oneThread), "ms");
        report.Add("block.validate_ms_new_txs", newMs, "ms");
        report.Add("block.verify_per_sec_in_block", count / (newMs / 1000), "tx/s");

        var mempool = new List<double>();
        for (var i = 0; i < Repetitions; i++)
        {
            var chain = Preloaded(workload);
            foreach (var tx in txs)
            {
                Expect(chain.SubmitTransaction(tx).IsValid, "mempool admission");
            }

            var template = chain.CreateTemplate(Address.Zero, maxTransactions: count);
            var block = new Block(DevBlocks.Solve(template.Header), template.Transactions);
            // The setup's garbage (a ledger, 2,000 admissions) is collected before the clock starts, as
            // BenchmarkDotNet does between iterations.
            QuickRun.Settle();
            var watch = Stopwatch.StartNew();
            Expect(chain.SubmitBlock(block).Status == BlockStatus.Connected, "block from the mempool");
            mempool.Add(watch.Elapsed.TotalMilliseconds);
        }

        report.Add("block.validate_ms_mempool_txs", Median(mempool), "ms");
    }

    private static double SubmitNew(Workload workload, List<Transaction> txs, int threads)
    {
        var chain = Preloaded(workload);
        chain.ValidationThreads = threads;
        // Decoded afresh, as a block arrives from a peer: nothing a transaction caches (its sender address) is reused.
        var block = Block.Decode(DevBlocks.Build(chain.Tip.Header, Address.Zero, txs).Encode());
        QuickRun.Settle();
        var watch = Stopwatch.StartNew();
        Expect(chain.SubmitBlock(block).Status == BlockStatus.Connected, "block of new transactions");
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
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
