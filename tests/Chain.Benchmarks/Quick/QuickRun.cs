using System.Diagnostics;
using Chain.Benchmarks.Support;

namespace Chain.Benchmarks.Quick;

/// <summary>
/// The end-to-end figures in one run of a few minutes: one line per figure (<c>name value unit</c>), then the
/// targets as ratios, then a <c>#</c>-prefixed summary of which targets are met.
/// </summary>
internal static class QuickRun
{
    public const int Senders = 20;

    public const int NoncesPerSender = 5_000;

    public const int RelayNoncesPerSender = 500;

    /// <summary>
    /// Pause after a forced full collection before anything is timed: with the full workload's heap (100,000 signed
    /// transactions) the runtime keeps a core busy for a while after GC.Collect returns. Measured on the block step,
    /// three alternating runs each: with no pause one thread 40.0-40.9 ms, every core 25.9-26.7 ms, mempool block
    /// 3.2-6.9 ms; with 100 ms, 36.6-36.8, 21.3-22.3 and 1.7-2.7 ms.
    /// </summary>
    public static readonly TimeSpan AfterCollection = TimeSpan.FromMilliseconds(100);

    /// <summary>Nonces per sender when only some steps run: enough for relay, block hops, gossip and rpc (300 + 400 + 500).</summary>
    public const int FilteredNoncesPerSender = 1_200;

    /// <summary>
    /// Runs every step, or with <paramref name="steps"/> (e.g. <c>relay hop gossip</c>) only the named steps plus the
    /// verification figures the targets are ratios of, over a smaller workload unless <c>full</c> is among them.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyCollection<string> steps)
    {
        // "full" keeps the full workload when only some steps run (e.g. to profile sync at its real size).
        var full = steps.Contains("full");
        var only = steps.Where(s => s != "full").ToList();
        bool Runs(string step) => only.Count == 0 || only.Contains(step);
        var report = new Report();
        var total = Stopwatch.StartNew();
        report.Note($"Chain quick benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()} (other processes share these cores)");

        // The reference figures first, while nothing else runs.
        if (Runs("openssl"))
        {
            Step(report, "openssl", () => OpenSslReference.Run(report));
        }

        if (Runs("mining"))
        {
            await StepAsync(report, "mining", () => MiningFigures.RunAsync(report));
        }

        var setup = Stopwatch.StartNew();
        using var workload = Workload.Create(Senders, only.Count == 0 || full ? NoncesPerSender : FilteredNoncesPerSender);
        report.Add("setup.sign_per_sec_all_threads", workload.Count / setup.Elapsed.TotalSeconds, "tx/s");

        Step(report, "verify", () => VerifyFigures.Run(report, workload));
        if (Runs("blockvalidation"))
        {
            Step(report, "block validation", () => BlockValidationFigures.Run(report, workload));
        }

        if (Runs("rpc"))
        {
            await StepAsync(report, "rpc", () => RpcFigures.RunAsync(report, workload));
        }

        // Memory before any network node exists, so no other ledger is freed while it is measured.
        var blocks = Runs("memory") || Runs("sync") ? SyncFigures.BuildChain(workload) : [];
        if (Runs("memory"))
        {
            Step(report, "memory", () => MemoryFigures.Run(report, blocks));
        }

        if (Runs("relay"))
        {
            await StepAsync(report, "relay", () => RelayFigures.RunAsync(report, workload, RelayNoncesPerSender));
        }

        if (Runs("hop"))
        {
            await StepAsync(report, "block hop", () => BlockHopFigures.RunAsync(report, workload));
        }

        if (Runs("flood"))
        {
            await StepAsync(report, "flood", () => FloodFigures.RunAsync(report, workload));
        }

        if (Runs("gossip"))
        {
            await StepAsync(report, "gossip", () => GossipFigures.RunAsync(report, workload));
        }

        if (Runs("sync"))
        {
            await StepAsync(report, "sync", () => SyncFigures.RunAsync(report, blocks, workload.Count, full));
        }

        // Only when named: the first run builds data folders of about 10,000 and 100,000 transfers (1,000,000 with full),
        // minutes of signing, kept for later runs (the sync step builds the large one if it is not there yet).
        if (only.Contains("startup"))
        {
            Step(report, "startup", () => StartupFigures.Run(report, full));
        }

        Targets(report);
        report.Note($"load average at the end: {LoadAverage()}");
        report.Note($"total {total.Elapsed.TotalSeconds:0} s");
        return 0;
    }

    private static void Targets(Report r)
    {
        double? Ratio(string a, string b) => r.Get(a) is { } x && r.Get(b) is { } y && y > 0 ? x / y : null;

        r.Target("target.mine_1_thread_vs_openssl_sha256", Ratio("mine.hashes_per_sec_1_thread", "openssl.sha256_80b_per_sec"), "x", ">=", 1.0, "mining, one thread, against openssl SHA-256 of 80 bytes");
        r.Target("target.mine_all_threads_vs_1_thread", Ratio("mine.hashes_per_sec_all_threads", "mine.hashes_per_sec_1_thread"), "x", ">=", 1.8, "mining scales over the cores");
        r.Target("target.verify_1_thread_vs_openssl_rsa", Ratio("tx.verify_per_sec_1_thread", "openssl.rsa2048_verify_per_sec"), "x", ">=", 0.7, "transaction validation, one thread, against openssl RSA-2048 verify");
        r.Target("target.block_verify_parallel_speedup", Ratio("block.validate_ms_new_txs_1_thread", "block.validate_ms_new_txs"), "x", ">=", 1.8, "a block of new transactions validates faster on every core than on one (same block, cold caches)");
        r.Target("target.block_mempool_txs_time_fraction", Ratio("block.validate_ms_mempool_txs", "block.validate_ms_new_txs"), "x", "<=", 0.2, "a block of mempool-verified transactions takes a fraction of a new one's time (no re-verification)");
        r.Target("target.rpc_status_per_sec", r.Get("rpc.status_per_sec"), "req/s", ">=", 20_000, "JSON-RPC status requests a second from 16 concurrent clients on loopback");
        r.Target("target.rpc_sendraw_vs_verify_1_thread", Ratio("rpc.sendraw_per_sec", "tx.verify_per_sec_1_thread"), "x", ">=", 0.8, "sendraw from 16 clients against one-thread transaction verification");
        r.Target("target.rpc_subscriber_latency_ms_p50", r.Get("rpc.subscriber_latency_ms_p50"), "ms", "<", 50, "median time for a subscriber to hear of a new block (upper bound: mining included)");
        r.Target("target.relay_vs_verify_all_threads", Ratio("net.tx_relay_per_sec", "tx.verify_per_sec_all_threads"), "x", ">=", 0.5, "relay A to B against verification on all threads");
        r.Target("target.block_hop_ms_known_txs", r.Get("net.block_hop_ms_known_txs"), "ms", "<=", 10, "per-hop latency of a block whose transactions are known");
        if (r.Get("tx.verify_per_sec_all_threads") is { } verifyAll && r.Get("net.block_hop_ms_new_txs") is { } hopNew)
        {
            var bound = (1.2 * BlockHopFigures.TransactionsPerBlock / verifyAll * 1000) + 10;
            r.Add("net.block_hop_ms_new_txs_bound", bound, "ms");
            r.Target("target.block_hop_new_txs_vs_bound", hopNew / bound, "x", "<=", 1.0, "per-hop latency of a block of new transactions against 1.2 x their verify time on all threads + 10 ms");
        }

        r.Target("target.flood_other_pong_ms", r.Get("net.flood_other_pong_ms"), "ms", "<", 2000, "another peer's ping answered while a flooder sends 4 MiB frames");
        r.Target("target.messages_per_tx_per_link", r.Get("net.messages_per_tx_per_link"), "messages", "<=", 1.5, "messages per transaction per link, transactions entered one at a time");
        r.Target("target.tx_reach_all_ms_p50", r.Get("net.tx_reach_all_ms_p50"), "ms", "<", 1000, "median time for a transaction to reach all 50 nodes");
        r.Target("target.sync_vs_verify_all_threads", Ratio("chain.sync_tx_per_sec", "tx.verify_per_sec_all_threads"), "x", ">=", 0.5, "initial sync against verification on all threads");
        r.Target("target.sync_node_cpu_vs_verify", r.Get("chain.sync_node_cpu_vs_verify"), "x", "<=", 1.25, "CPU per transaction of a fresh Chain.Node process syncing onto its stores (its own CPU, from /proc, after the first third) against verification alone of the same chain's transfers (all cores, the mean of right before and right after the sync; with full the median of three syncs)");
        // The startup step's targets, when it ran (it runs only when named).
        if (r.Get("startup.cpu_large_vs_small") is not null)
        {
            r.Target("target.startup_cpu_large_vs_small", r.Get("startup.cpu_large_vs_small"), "x", "<=", 1.3, "node start CPU with the large history against the small one");
            r.Target("target.startup_cpu_large_beyond_empty", r.Get("startup.cpu_large_beyond_empty_s"), "s", "<", 1.0, "node start CPU with the large history beyond an empty node's");
            r.Target("target.startup_rss_large_vs_small", r.Get("startup.rss_large_vs_small"), "x", "<=", 1.3, "node RSS after start with the large history against the small one");
            foreach (var query in new[] { "tx", "history_recipient", "history_sender", "block" })
            {
                r.Target($"target.query_{query}_ms", r.Get($"query.{query}_ms"), "ms", "<", 10, $"console {query.Replace('_', ' ')} answer at the large history (round trip through the pipe)");
            }

            var build = r.Get("store.build_steady_cpu_us_per_tx");
            r.Target("target.store_build_vs_verify_cpu", build is { } b && r.Get("store.build_verify_cpu_us_per_tx") is { } v && v > 0 ? b / v : null, "x", "<=", 1.25, "CPU per transaction validating and storing blocks of new transactions (sync and --reindex without the network), after the first third of the blocks, against verification alone of the first 30,000 of those transfers (warm too; the mean of a measurement when they are gathered and one after the last block)");
        }

        r.Target("target.mem_vs_canonical", r.Get("mem.ratio_to_canonical"), "x", "<=", 2.0, "managed memory per held transaction against its canonical size");
        r.PrintVerdicts();
    }

    /// <summary>
    /// Minor page faults of this process so far (Linux, /proc/self/stat field 10), or null elsewhere: each is a page
    /// of fresh memory the kernel zeroed, the cost a buffer that is allocated rather than reused pays.
    /// </summary>
    public static long? PageFaults()
    {
        if (!File.Exists("/proc/self/stat"))
        {
            return null;
        }

        return ProcStat.MinorFaults("/proc/self/stat");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static void Step(Report report, string name, Action action) =>
        StepAsync(report, name, () =>
        {
            action();
            return Task.CompletedTask;
        }).GetAwaiter().GetResult();

    private static async Task StepAsync(Report report, string name, Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await action();
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            report.Note($"{name} failed: {e.GetType().Name}: {e.Message}");
        }

        report.Note($"{name}: {watch.Elapsed.TotalSeconds:0.0} s");

        // A step's garbage is collected, and its finalizers run, before the next step starts, as BenchmarkDotNet
        // does between benchmarks: the cold-key figure alone leaves 10,000 key caches whose OpenSSL contexts were
        // otherwise freed by the finalizer thread during the relay and sync measurements.
        Settle();
    }

    /// <summary>Collects everything collectable, runs finalizers, and waits <see cref="AfterCollection"/>.</summary>
    public static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Thread.Sleep(AfterCollection);
    }
}
