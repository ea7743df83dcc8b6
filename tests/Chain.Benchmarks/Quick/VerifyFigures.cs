using System.Diagnostics;
using Chain.Benchmarks.Support;
using Chain.Core.Ledger;

namespace Chain.Benchmarks.Quick;

/// <summary>
/// Full stateless validation of transfers, signature included (<see cref="TransactionRules.CheckStateless"/>), each
/// transaction verified once through a fresh <see cref="SignatureCache"/> so no signature is a cache hit.
/// </summary>
internal static class VerifyFigures
{
    public static void Run(Report report, Workload workload)
    {
        var all = workload.Slice(0, workload.NoncesPerSender);
        var warm = all.Skip(all.Count - 2_000).ToList();
        Measure(warm, 1, perTransactionCache: false);
        Measure(warm, Environment.ProcessorCount, perTransactionCache: false);

        // Three alternating measurements each, medians reported: these rates are the denominators of several targets,
        // and one dip from the virtual machine's neighbours moved all of those ratios together.
        var single = all.Take(Math.Min(all.Count, 20_000)).ToList();
        var oneThread = new List<double>();
        var allThreads = new List<double>();
        var cpu = TimeSpan.Zero;
        for (var i = 0; i < 3; i++)
        {
            oneThread.Add(Measure(single, 1, perTransactionCache: false));
            var before = Environment.CpuUsage.TotalTime;
            allThreads.Add(Measure(all, Environment.ProcessorCount, perTransactionCache: false));
            cpu += Environment.CpuUsage.TotalTime - before;
        }

        report.Add("tx.verify_per_sec_1_thread", Median(oneThread), "tx/s");
        report.Add("tx.verify_per_sec_all_threads", Median(allThreads), "tx/s");
        report.Add("tx.verify_cpu_us_per_tx", cpu.TotalMicroseconds / (3.0 * all.Count), "us");

        // The worst case: a cache that has never seen the sender's key either (one fresh cache per transaction).
        var cold = all.Take(10_000).ToList();
        report.Add("tx.verify_per_sec_1_thread_cold_key", Measure(cold, 1, perTransactionCache: true), "tx/s");
        report.Add("tx.verify_per_sec_all_threads_cold_key", Measure(cold, Environment.ProcessorCount, perTransactionCache: true), "tx/s");
    }

    /// <summary>
    /// CPU of this process per transaction validating <paramref name="txs"/> on every core (fresh signature caches, warm
    /// keys), the median of three passes: the denominator measured beside a figure it is compared with.
    /// </summary>
    public static double CpuPerTransaction(IReadOnlyList<Transaction> txs)
    {
        var passes = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            // Less what this process's RocksDB threads spent meanwhile (a compaction left running by the blocks before).
            var before = Environment.CpuUsage.TotalTime.TotalSeconds - ProcStat.RocksDbThreadsCpuSeconds();
            Measure(txs, Environment.ProcessorCount, perTransactionCache: false);
            passes.Add((Environment.CpuUsage.TotalTime.TotalSeconds - ProcStat.RocksDbThreadsCpuSeconds() - before) * 1e6 / txs.Count);
        }

        return Median(passes);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Validates every transaction once, split over <paramref name="threads"/> dedicated threads; returns transactions per second.</summary>
    public static double Measure(IReadOnlyList<Transaction> txs, int threads, bool perTransactionCache)
    {
        var network = Workload.Network;
        var shared = new SignatureCache();
        var failures = 0;
        var workers = new Thread[threads];
        using var start = new Barrier(threads + 1);
        for (var t = 0; t < threads; t++)
        {
            var first = t;
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                for (var i = first; i < txs.Count; i += threads)
                {
                    var cache = perTransactionCache ? new SignatureCache() : shared;
                    if (!TransactionRules.CheckStateless(txs[i], network, cache).IsValid)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            });
            workers[t].Start();
        }

        start.SignalAndWait();
        var watch = Stopwatch.StartNew();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        watch.Stop();
        if (failures != 0)
        {
            throw new InvalidOperationException($"{failures} transactions failed validation.");
        }

        return txs.Count / watch.Elapsed.TotalSeconds;
    }
}
