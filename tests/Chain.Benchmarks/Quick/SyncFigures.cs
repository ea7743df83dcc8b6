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

    public static async Task RunAsync(Report report, List<Block> blocks, int transactions)
    {
        await using var source = await InProcessNode.StartAsync(blocks);
        await using var fresh = await InProcessNode.StartAsync([]);
        var target = source.Chain.Tip.Hash;
        var cpu = Environment.CpuUsage.TotalTime;
        var watch = Stopwatch.StartNew();
        await fresh.ConnectAsync(source, Timeout);
        await InProcessNode.WaitUntilAsync(() => fresh.Chain.Tip.Hash == target, Timeout, "the fresh node to sync");
        watch.Stop();
        report.Add("chain.sync_tx_per_sec", transactions / watch.Elapsed.TotalSeconds, "tx/s");
        report.Add("chain.sync_seconds", watch.Elapsed.TotalSeconds, "s");
        report.Add("chain.sync_cpu_us_per_tx", (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / transactions, "us");
    }
}
