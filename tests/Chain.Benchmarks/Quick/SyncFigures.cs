using System.Diagnostics;
using System.Globalization;
using Chain.Benchmarks.Support;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Benchmarks.Quick;

/// <summary>A fresh node catching up from a peer whose chain holds every transaction of the workload.</summary>
internal static class SyncFigures
{
    public const int TransactionsPerBlock = 3_000;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    // Transfers of the synced chain verified before and after each sync of a node process (about 0.6 s of CPU a pass).
    private const int VerifySampleSize = 30_000;

    // Fresh node processes that sync the 1,000,000 transfers one after the other with full: the figures printed are the
    // round's whose ratio is the median.
    private const int FullRounds = 3;

    private static readonly TimeSpan SamplePeriod = TimeSpan.FromMilliseconds(20);

    /// <summary>The workload's funding blocks followed by blocks carrying all its transfers.</summary>
    public static List<Block> BuildChain(Workload workload)
    {
        var txs = workload.Slice(0, workload.NoncesPerSender);
        var blocks = new List<Block>(workload.FundingBlocks);
        blocks.AddRange(Workload.Chunk(blocks[^1].Header, txs, TransactionsPerBlock, Address.Zero));
        return blocks;
    }

    /// <summary>
    /// Two fresh in-process nodes catch up, one after the other, from the same source. The first runs this process's sync
    /// code for the first time, so its figure includes the runtime compiling it (about a tenth of the CPU in a perf
    /// profile of the step); the second is the steady-state figure the rate target uses, as BenchmarkDotNet reports
    /// figures after warm-up iterations. Both are printed; their CPU (<c>two_nodes_cpu_us_per_tx</c>) is this process's,
    /// so both nodes' together. Then a real node process syncs onto its stores the startup step's large history
    /// (<see cref="SyncNodeProcessAsync"/>): the fresh node's CPU alone, which the CPU target uses.
    /// </summary>
    public static async Task RunAsync(Report report, List<Block> blocks, int transactions, bool full)
    {
        await using (var source = await InProcessNode.StartAsync(blocks))
        {
            await SyncOnceAsync(report, source, transactions, "chain.sync_first_");
            QuickRun.Settle();
            await SyncOnceAsync(report, source, transactions, "chain.sync_");
        }

        QuickRun.Settle();
        await SyncNodeProcessAsync(report, full);
    }

    /// <summary>
    /// A fresh Chain.Node process (the Release build, as <c>startup</c> runs it: its own data folder, blocks.dat and
    /// chainstate/) dials an in-process source serving the startup step's large history from its data folder (100,000
    /// transfers; 1,000,000 with <c>full</c>; built on first use and kept), as a serving node does, and syncs it. The
    /// node's CPU is read from /proc while it answers <c>status</c> (every 20 ms): over the whole sync (the runtime
    /// compiling the sync code included, as a real fresh node pays it once) and over the part after the first third of
    /// the transfers (the figure the target uses: per transaction, once the one-off costs of a fresh process are paid;
    /// at 100,000 transfers the runtime is still recompiling hot framework code during that part, so <c>full</c> is the
    /// measurement). The source's CPU is this process's over the sync. Verification of the same chain's transfers is
    /// measured in this process right before and right after each sync (the mean of the two is the target's
    /// denominator, taken beside its numerator); with <c>full</c> three fresh nodes sync one after the other and every
    /// figure printed is the round's whose ratio is the median of the three (each round's is printed as a note).
    /// </summary>
    private static async Task SyncNodeProcessAsync(Report report, bool full)
    {
        var folder = StartupFigures.PrepareLarge(report, full);
        await using var source = await InProcessNode.StartAsync([], dataFolder: folder);

        // Transfers (coinbases not counted) up to each height, so a sample's height says how many the node has.
        var target = source.Chain.Tip.Height;
        var transfersAt = new long[target + 1];
        for (uint height = 1; height <= target; height++)
        {
            transfersAt[height] = transfersAt[height - 1] + source.Chain.GetBlockByHeight(height)!.TransactionCount - 1;
        }

        var total = transfersAt[target];
        var verifySample = new List<Transaction>();
        for (var height = target / 2; height <= target && verifySample.Count < VerifySampleSize; height++)
        {
            verifySample.AddRange(source.Chain.GetBlockByHeight(height)!.Block.Transactions.Where(tx => !tx.IsCoinbase));
        }

        var rounds = new List<Dictionary<string, double>>();
        for (var round = 0; round < (full ? FullRounds : 1); round++)
        {
            var root = Directory.CreateTempSubdirectory("chain-sync-").FullName;
            try
            {
                QuickRun.Settle();
                var verifyBefore = VerifyFigures.CpuPerTransaction(verifySample);
                QuickRun.Settle();
                var figures = new Dictionary<string, double>();
                using (var node = StartupFigures.NodeRun.Start(StartupFigures.FindNode(), Path.Combine(root, "node")))
                {
                    node.WaitReady(0);
                    var samples = await Task.Factory.StartNew(() => Follow(node, source.Port, target), TaskCreationOptions.LongRunning);
                    var (_, startCpu, startSourceCpu, startTime) = samples[0];
                    var (_, endCpu, endSourceCpu, endTime) = samples[^1];
                    var steady = samples.First(s => transfersAt[s.Height] >= total / 3);
                    figures["tx_per_sec"] = total / (endTime - startTime);
                    figures["whole_cpu_us_per_tx"] = (endCpu - startCpu) * 1e6 / total;
                    figures["cpu_us_per_tx"] = (endCpu - steady.Cpu) * 1e6 / (total - transfersAt[steady.Height]);
                    figures["cores"] = (endCpu - startCpu) / (endTime - startTime);
                    figures["source_cpu_us_per_tx"] = (endSourceCpu - startSourceCpu) * 1e6 / total;
                    figures["rss_mb"] = node.Usage().RssBytes / 1e6;
                }

                QuickRun.Settle();
                var verifyAfter = VerifyFigures.CpuPerTransaction(verifySample);
                figures["verify_cpu_us_per_tx"] = (verifyBefore + verifyAfter) / 2;
                figures["cpu_vs_verify"] = figures["cpu_us_per_tx"] / figures["verify_cpu_us_per_tx"];
                report.Note($"sync of a node process, round {round + 1}: {figures["cpu_us_per_tx"]:F1} us a transfer after the first third (whole {figures["whole_cpu_us_per_tx"]:F1} us), verification {verifyBefore:F1} us before and {verifyAfter:F1} us after: {figures["cpu_vs_verify"]:F3}x");
                rounds.Add(figures);
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }

        // Every figure from the round whose ratio is the median, so the printed numerator over the printed denominator
        // is the printed ratio.
        var median = rounds.OrderBy(r => r["cpu_vs_verify"]).ElementAt(rounds.Count / 2);
        report.Add("chain.sync_node_transfers", total, "tx");
        report.Add("chain.sync_node_tx_per_sec", median["tx_per_sec"], "tx/s");
        report.Add("chain.sync_node_whole_cpu_us_per_tx", median["whole_cpu_us_per_tx"], "us");
        report.Add("chain.sync_node_cpu_us_per_tx", median["cpu_us_per_tx"], "us");
        report.Add("chain.sync_node_cores", median["cores"], "cores");
        report.Add("chain.sync_node_source_cpu_us_per_tx", median["source_cpu_us_per_tx"], "us");
        report.Add("chain.sync_node_rss_mb", median["rss_mb"], "MB");
        report.Add("chain.sync_node_verify_cpu_us_per_tx", median["verify_cpu_us_per_tx"], "us");
        report.Add("chain.sync_node_cpu_vs_verify", median["cpu_vs_verify"], "x");
    }

    // On its own thread (the console is read synchronously): connects the node to the source, then samples its height
    // and CPU, and this process's CPU, until the node is at the source's tip. The first sample is taken before the connect.
    private static List<(uint Height, double Cpu, double SourceCpu, double Seconds)> Follow(StartupFigures.NodeRun node, int port, uint target)
    {
        var watch = Stopwatch.StartNew();
        var samples = new List<(uint Height, double Cpu, double SourceCpu, double Seconds)>
        {
            (0, node.Usage().CpuSeconds, Environment.CpuUsage.TotalTime.TotalSeconds, 0),
        };
        var answer = node.Ask($"connect 127.0.0.1:{port}");
        if (answer.Count == 0 || !answer[0].StartsWith("connected", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"connect answered '{string.Join(" | ", answer)}'");
        }

        while (samples[^1].Height < target)
        {
            if (watch.Elapsed > Timeout)
            {
                throw new TimeoutException($"the node process reached height {samples[^1].Height} of {target} in {Timeout.TotalSeconds:0} s");
            }

            Thread.Sleep(SamplePeriod);
            var status = node.Ask("status");
            var height = status.Count == 1 && status[0].StartsWith("height=", StringComparison.Ordinal)
                ? uint.Parse(status[0].AsSpan(7, status[0].IndexOf(' ', StringComparison.Ordinal) - 7), CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"status answered '{string.Join(" | ", status)}'");
            samples.Add((height, node.Usage().CpuSeconds, Environment.CpuUsage.TotalTime.TotalSeconds, watch.Elapsed.TotalSeconds));
        }

        return samples;
    }

    private static async Task SyncOnceAsync(Report report, InProcessNode source, int transactions, string prefix)
    {
        await using var fresh = await InProcessNode.StartAsync([]);
        var target = source.Chain.Tip.Hash;
        var cpu = Environment.CpuUsage.TotalTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var collections = GC.CollectionCount(0);
        var fullCollections = GC.CollectionCount(2);
        var pause = GC.GetTotalPauseDuration().TotalMilliseconds;
        var faults = QuickRun.PageFaults();
        var watch = Stopwatch.StartNew();
        await fresh.ConnectAsync(source, Timeout);
        await InProcessNode.WaitUntilAsync(() => fresh.Chain.Tip.Hash == target, Timeout, "the fresh node to sync");
        watch.Stop();
        report.Add(prefix + "tx_per_sec", transactions / watch.Elapsed.TotalSeconds, "tx/s");
        report.Add(prefix + "seconds", watch.Elapsed.TotalSeconds, "s");
        report.Add(prefix + "two_nodes_cpu_us_per_tx", (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / transactions, "us");

        // Both nodes' managed allocations (steadier than times on shared cores), and the collections they caused.
        report.Add(prefix + "alloc_bytes_per_tx", (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)transactions, "bytes");
        report.Add(prefix + "collections", GC.CollectionCount(0) - collections, "collections");
        report.Add(prefix + "full_collections", GC.CollectionCount(2) - fullCollections, "collections");
        report.Add(prefix + "gc_pause_ms", GC.GetTotalPauseDuration().TotalMilliseconds - pause, "ms");
        if (QuickRun.PageFaults() - faults is { } newPages)
        {
            report.Add(prefix + "page_faults_per_tx", newPages / (double)transactions, "faults");
        }
    }
}
