using System.Diagnostics;
using Chain.Benchmarks.Support;

namespace Chain.Benchmarks.Quick;

/// <summary>
/// Transactions submitted to node A (from as many threads as cores, each sender's nonces in order), counted as they
/// enter the mempool of its neighbour B over the real encrypted TCP connection.
/// </summary>
internal static class RelayFigures
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Two rounds, each with a fresh pair of nodes and the same transactions. The first runs this process's relay code
    /// for the first time, so its figure includes the runtime compiling it; the second is the steady-state figure the
    /// target uses, as BenchmarkDotNet reports figures after warm-up iterations. Both are printed.
    /// </summary>
    public static async Task RunAsync(Report report, Workload workload, int noncesPerSender)
    {
        await RelayOnceAsync(report, workload, noncesPerSender, "net.tx_relay_first_");
        QuickRun.Settle();
        await RelayOnceAsync(report, workload, noncesPerSender, "net.tx_relay_");
    }

    private static async Task RelayOnceAsync(Report report, Workload workload, int noncesPerSender, string prefix)
    {
        await using var a = await InProcessNode.StartAsync(workload.FundingBlocks);
        await using var b = await InProcessNode.StartAsync(workload.FundingBlocks);
        await a.ConnectAsync(b, Timeout);

        var txs = workload.Slice(0, noncesPerSender);
        var arrived = 0;
        long lastArrival = 0;
        b.Chain.TransactionAdded += _ =>
        {
            Interlocked.Increment(ref arrived);
            Volatile.Write(ref lastArrival, Stopwatch.GetTimestamp());
        };

        var threads = Environment.ProcessorCount;
        var cpu = Environment.CpuUsage.TotalTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        var submitters = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                // Senders are split between threads, so each sender's nonces stay in order.
                foreach (var tx in txs.Where((_, i) => i % workload.Senders % threads == t))
                {
                    var result = a.Chain.SubmitTransaction(tx);
                    if (!result.IsValid)
                    {
                        throw new InvalidOperationException($"Node A refused a transaction: {result}");
                    }
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(submitters);
        var submitted = Stopwatch.GetElapsedTime(started);
        await InProcessNode.WaitUntilAsync(() => Volatile.Read(ref arrived) >= txs.Count, Timeout, "relay to B");
        var elapsed = Stopwatch.GetElapsedTime(started, Volatile.Read(ref lastArrival));

        // Process CPU per relayed transaction (both nodes; each verifies it once): less sensitive than the rate to
        // other processes sharing the cores. Compare with twice tx.verify_cpu_us_per_tx.
        report.Add(prefix + "cpu_us_per_tx", (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / txs.Count, "us");
        report.Add(prefix + "alloc_bytes_per_tx", (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)txs.Count, "bytes");
        report.Add(prefix + "per_sec", txs.Count / elapsed.TotalSeconds, "tx/s");
        report.Add(prefix + "submit_to_a_per_sec", txs.Count / submitted.TotalSeconds, "tx/s");
    }
}
