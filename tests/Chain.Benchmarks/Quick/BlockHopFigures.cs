using System.Diagnostics;
using Chain.Benchmarks.Support;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Benchmarks.Quick;

/// <summary>
/// Per-hop latency of a 1,000-transaction block along a line of five nodes: the time from the first node's tip
/// moving to the last node's tip moving, divided by four hops. Once when every node holds the transactions in its
/// mempool, once when none does.
/// </summary>
internal static class BlockHopFigures
{
    public const int Nodes = 5;

    public const int TransactionsPerBlock = 1_000;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(Report report, Workload workload)
    {
        var perSender = TransactionsPerBlock / workload.Senders;
        var nodes = new List<InProcessNode>();
        try
        {
            for (var i = 0; i < Nodes; i++)
            {
                nodes.Add(await InProcessNode.StartAsync(workload.FundingBlocks));
            }

            for (var i = 0; i + 1 < Nodes; i++)
            {
                await nodes[i].ConnectAsync(nodes[i + 1], Timeout);
            }

            // Warm-up: an empty block down the line, so the first measured hop pays no JIT.
            var warm = nodes[0].Chain.CreateTemplate(Address.Zero, maxTransactions: 0);
            await TimeHopsAsync(nodes, new Block(DevBlocks.Solve(warm.Header), warm.Transactions));

            // Known: the transactions spread through the mempools first; the first node mines them.
            var known = workload.Slice(0, perSender);
            foreach (var tx in known)
            {
                Expect(nodes[0].Chain.SubmitTransaction(tx).IsValid);
            }

            await InProcessNode.WaitUntilAsync(() => nodes.All(n => n.Chain.MempoolCount == known.Count), Timeout, "mempools to fill");
            await Task.Delay(200); // let the last announcements settle
            var template = nodes[0].Chain.CreateTemplate(Address.Zero, maxTransactions: known.Count);
            Expect(template.Transactions.Count == known.Count + 1);
            var knownHops = await TimeHopsAsync(nodes, new Block(DevBlocks.Solve(template.Header), template.Transactions));
            report.Add("net.block_hop_ms_known_txs", knownHops.Average(), "ms");
            report.Note($"known-tx block hops (ms): {string.Join(" ", knownHops.Select(h => h.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))}");

            // New: a block of transactions no node has seen.
            var fresh = workload.Slice(perSender, perSender);
            var block = DevBlocks.Build(nodes[0].Chain.Tip.Header, Address.Zero, fresh);
            var cpu = Environment.CpuUsage.TotalTime;
            var newHops = await TimeHopsAsync(nodes, block);
            report.Add("net.block_hop_cpu_ms_per_node_new_txs", (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / Nodes, "ms"); // each node validates it once
            report.Add("net.block_hop_ms_new_txs", newHops.Average(), "ms");
            report.Note($"new-tx block hops (ms): {string.Join(" ", newHops.Select(h => h.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))}");
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task<double[]> TimeHopsAsync(List<InProcessNode> nodes, Block block)
    {
        var times = new long[nodes.Count];
        var handlers = new Action<ChainUpdate>[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            var index = i;
            handlers[i] = update =>
            {
                if (update.Tip.Hash == block.Hash)
                {
                    Interlocked.CompareExchange(ref times[index], Stopwatch.GetTimestamp(), 0);
                }
            };
            nodes[i].Chain.TipChanged += handlers[i];
        }

        try
        {
            Expect(nodes[0].Chain.SubmitBlock(block).Status == BlockStatus.Connected);
            await InProcessNode.WaitUntilAsync(() => Volatile.Read(ref times[^1]) != 0, Timeout, "the block to reach the last node");
        }
        finally
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                nodes[i].Chain.TipChanged -= handlers[i];
            }
        }

        return [.. Enumerable.Range(1, nodes.Count - 1).Select(i => Stopwatch.GetElapsedTime(times[i - 1], times[i]).TotalMilliseconds)];
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Block hop setup failed.");
        }
    }
}
