using System.Diagnostics;
using System.Globalization;
using Chain.Benchmarks.Support;
using Chain.Core.Ledger;
using Chain.Network.Handshake;

namespace Chain.Benchmarks.Quick;

/// <summary>
/// Fifty nodes, each dialling its ring successor and one random other node (about four links each). Transactions
/// entered one at a time at node 0: how long until every node holds each, and how many sealed frames each link
/// carried per transaction (read from the connections' frame counters).
/// </summary>
internal static class GossipFigures
{
    public const int Nodes = 50;

    public const int Samples = 15;

    public const int Burst = 200;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan BurstTimeout = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(Report report, Workload workload)
    {
        var keys = new NodeKey[Nodes];
        Parallel.For(0, Nodes, i => keys[i] = NodeKey.Generate());
        var nodes = new List<InProcessNode>();
        try
        {
            foreach (var key in keys)
            {
                nodes.Add(await InProcessNode.StartAsync(workload.FundingBlocks, key: key));
            }

            var random = new Random(12345);
            var links = new HashSet<(int, int)>();
            for (var i = 0; i < Nodes; i++)
            {
                links.Add((Math.Min(i, (i + 1) % Nodes), Math.Max(i, (i + 1) % Nodes)));
            }

            for (var i = 0; i < Nodes; i++)
            {
                int j;
                do
                {
                    j = random.Next(Nodes);
                }
                while (j == i || links.Contains((Math.Min(i, j), Math.Max(i, j))));
                links.Add((Math.Min(i, j), Math.Max(i, j)));
            }

            await Task.WhenAll(links.Select(l => nodes[l.Item1].ConnectAsync(nodes[l.Item2], Timeout)));
            var degree = links.Count * 2.0 / Nodes;
            report.Note($"gossip: {Nodes} nodes, {links.Count} links, mean degree {degree.ToString("0.0", CultureInfo.InvariantCulture)}");
            await Task.Delay(300); // handshake-time announcements settle

            // One at a time: sender 0's nonces in order.
            var reach = new List<double>();
            var framesBefore = TotalFrames(nodes);
            for (var n = 0; n < Samples; n++)
            {
                reach.Add(await SpreadAsync(nodes, workload.Transfers[0][n]));
            }

            await Task.Delay(200);
            var singleFrames = TotalFrames(nodes) - framesBefore;
            reach.Sort();
            report.Add("net.tx_reach_all_ms_p50", reach[reach.Count / 2], "ms");
            report.Add("net.tx_reach_all_ms_max", reach[^1], "ms");
            report.Add("net.messages_per_tx_per_link", singleFrames / (double)(Samples * links.Count), "messages");

            // A burst: many transactions entered at once share inv, getdata and tx messages. A transaction that
            // reaches a node before its sender's previous nonce is refused there and, today, never asked for again,
            // so the burst is given a bounded time and the delivered fraction is reported.
            var perSender = Burst / (workload.Senders - 1);
            var burst = Enumerable.Range(1, workload.Senders - 1).SelectMany(s => workload.Transfers[s].Take(perSender)).ToList();
            framesBefore = TotalFrames(nodes);
            var started = Stopwatch.GetTimestamp();
            Submit(nodes[0], burst);
            var complete = await TryWaitAsync(() => nodes.All(n => burst.All(t => n.Chain.KnowsTransaction(t.Id))), BurstTimeout);
            var burstMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await Task.Delay(200);
            var burstFrames = TotalFrames(nodes) - framesBefore;
            var delivered = nodes.Sum(n => burst.Count(t => n.Chain.KnowsTransaction(t.Id))) / (double)(nodes.Count * burst.Count);
            report.Add("net.tx_burst_delivered_fraction", delivered, "of node-transactions");
            if (complete)
            {
                report.Add("net.tx_reach_all_ms_burst", burstMs, "ms");
            }
            else
            {
                report.Note($"burst of {burst.Count}: not every node held every transaction after {BurstTimeout.TotalSeconds:0} s");
            }

            report.Add("net.messages_per_tx_per_link_burst", burstFrames / (double)(burst.Count * links.Count), "messages");
        }
        finally
        {
            await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask()));
        }
    }

    private static ulong TotalFrames(List<InProcessNode> nodes) => nodes.Aggregate(0UL, (sum, n) => sum + n.FramesReceived());

    // Enters one transaction at node 0 and returns the milliseconds until every node holds it.
    private static async Task<double> SpreadAsync(List<InProcessNode> nodes, Transaction tx)
    {
        var started = Stopwatch.GetTimestamp();
        Submit(nodes[0], [tx]);
        await InProcessNode.WaitUntilAsync(() => nodes.All(n => n.Chain.KnowsTransaction(tx.Id)), Timeout, "a transaction to reach every node");
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static void Submit(InProcessNode node, List<Transaction> txs)
    {
        foreach (var tx in txs)
        {
            var result = node.Chain.SubmitTransaction(tx);
            if (!result.IsValid)
            {
                throw new InvalidOperationException($"Node 0 refused a transaction: {result}");
            }
        }
    }

    private static async Task<bool> TryWaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        try
        {
            await InProcessNode.WaitUntilAsync(condition, timeout, "the burst");
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
