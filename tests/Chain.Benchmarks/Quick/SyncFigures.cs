using System.Diagnostics;
using Chain.Benchmarks.Support;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Benchmarks.Quick;

/// <summary>A fresh node catching up from a peer whose chain holds every transaction of the workload.</summary>
internal static class SyncFigures
{
    public const int TransactionsPerBlock = 3_000;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The workload's funding blocks followed by blocks carrying all its transfers.</summary>
    public static List<Block> BuildChain(Workload workload)
    {
        var txs = workload.Slice(0, workload.NoncesPerSender);
        var blocks = new List<Block>(workload.FundingBlocks);
        blocks.AddRange(Workload.Chunk(blocks[^1].Header, txs, TransactionsPerBlock, Address.Zero));
        return blocks;
    }

    /// <summary>
    /// Two fresh nodes catch up, one after the other, from the same source. The first runs this process's sync code
    /// for the first time, so its figure includes the runtime compiling it (about a tenth of the CPU in a perf profile
    /// of the step); the second is the steady-state figure the target uses, as BenchmarkDotNet reports figures after
    /// warm-up iterations. Both are printed.
    /// </summary>
    public static async Task RunAsync(Report report, List<Block> blocks, int transactions)
    {
        await using var source = await InProcessNode.StartAsync(blocks);
        await SyncOnceAsync(report, source, transactions, "chain.sync_first_");
        QuickRun.Settle();
        await SyncOnceAsync(report, source, transactions, "chain.sync_");

        // A third fresh node keeps what it syncs on disk as Chain.Node does (blocks.dat appended and flushed per block,
        // the chain state store written per block): the CPU the stores add to a sync.
        var folder = Path.Combine(Path.GetTempPath(), $"chain-sync-{Environment.ProcessId}");
        try
        {
            QuickRun.Settle();
            await SyncOnceAsync(report, source, transactions, "chain.sync_store_", folder);
            if (report.Get("chain.sync_store_cpu_us_per_tx") is { } stored && report.Get("chain.sync_cpu_us_per_tx") is { } inMemory)
            {
                report.Add("chain.sync_store_vs_memory_cpu", stored / inMemory, "x");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task SyncOnceAsync(Report report, InProcessNode source, int transactions, string prefix, string? dataFolder = null)
    {
        await using var fresh = await InProcessNode.StartAsync([], dataFolder: dataFolder);
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
        report.Add(prefix + "cpu_us_per_tx", (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / transactions, "us");

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
