using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Chain.Benchmarks.Support;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Persistence;

namespace Chain.Benchmarks.Quick;

/// <summary>
/// Start of a real node process (the Release <c>Chain.Node.dll</c>) on data folders holding a small and a large history
/// (10,000 and 100,000 transfers; 100,000 and 1,000,000 with <c>full</c>) against an empty folder: CPU and RSS when it first answers
/// <c>status</c> at its full height, and the latency of <c>tx</c>, <c>history</c>, <c>header</c> and <c>block</c> at the
/// large size. The folders are built once by an in-process ledger on the node's own stores (blocks.dat and chainstate/,
/// every block validated, the CPU per transaction printed as <c>store.build_cpu_us_per_tx</c>, and after the first third
/// of the blocks as <c>store.build_steady_cpu_us_per_tx</c>, RocksDB's background flushes and compactions included and
/// set against verification of those blocks' transfers measured beside it; the small one is a copy
/// of the large one's first blocks) and kept in <c>$TMPDIR/chain-startup</c> for later runs.
/// </summary>
internal static class StartupFigures
{
    public const int Senders = 20;

    /// <summary>Nonces of each sender per block: 3,000 transfers a block, as in issue #14's measurements.</summary>
    public const int NoncesPerBlock = 150;

    private const int Starts = 3;

    // Steady transfers of the build whose verification is measured beside it (about 0.6 s of CPU a pass).
    private const int VerifySampleSize = 30_000;

    // Transfers of the build also validated by a ledger without a data folder, to tell the stores' share of the CPU.
    private const int InMemoryComparison = 100_000;
    private const int Queries = 20;

    // Answers whose CPU is summed: /proc counts in 10 ms ticks, so enough of them for a tenth of a millisecond each.
    private const int CpuQueries = 100;
    private const string CompleteMarker = "complete";

    public static void Run(Report report, bool full)
    {
        var node = FindNode();
        var root = Path.Combine(Path.GetTempPath(), "chain-startup");
        var sizes = Sizes(full);
        var folders = Prepare(report, root, sizes[0], sizes[1]);

        var emptyFolder = Path.Combine(root, "empty");
        if (Directory.Exists(emptyFolder))
        {
            Directory.Delete(emptyFolder, recursive: true);
        }

        var empty = Measure(node, emptyFolder, 0, null);
        report.Add("startup.empty_cpu_s", empty.Cpu, "s");
        report.Add("startup.empty_rss_mb", empty.RssMb, "MB");
        var measured = new List<(double Cpu, double RssMb)>();
        for (var i = 0; i < sizes.Length; i++)
        {
            var large = i == sizes.Length - 1;
            var start = Measure(node, folders[i].Folder, folders[i].Height, large ? folders[i] : null, report);
            var name = large ? "startup.large_" : "startup.small_";
            report.Add(name + "transfers", folders[i].Transfers, "transfers");
            report.Add(name + "cpu_s", start.Cpu, "s");
            report.Add(name + "rss_mb", start.RssMb, "MB");
            report.Add(name + "blocks_dat_mb", new FileInfo(Path.Combine(folders[i].Folder, BlockStore.FileName)).Length / 1e6, "MB");
            measured.Add(start);
        }

        report.Add("startup.cpu_large_vs_small", measured[^1].Cpu / measured[0].Cpu, "x");
        report.Add("startup.cpu_large_beyond_empty_s", measured[^1].Cpu - empty.Cpu, "s");
        report.Add("startup.rss_large_vs_small", measured[^1].RssMb / measured[0].RssMb, "x");
    }

    /// <summary>
    /// The large history's data folder (built on first use, as <see cref="Run"/> builds it, and kept): the chain the sync
    /// step's node process catches up with.
    /// </summary>
    public static string PrepareLarge(Report report, bool full)
    {
        var sizes = Sizes(full);
        return Prepare(report, Path.Combine(Path.GetTempPath(), "chain-startup"), sizes[0], sizes[1])[^1].Folder;
    }

    private static int[] Sizes(bool full) => full ? [100_000, 1_000_000] : [10_000, 100_000];

    private sealed record Prepared(string Folder, uint Height, string TxId, string Recipient, string Sender, uint OldHeight, long Transfers);

    // Builds (once) data folders of `small` and `large` transfers from 20 funded senders in blocks of 3,000, validating
    // every block; the small one is the large one's prefix, copied when the build reaches it.
    private static List<Prepared> Prepare(Report report, string root, int small, int large)
    {
        var folders = new[] { small, large }.Select(size => Path.Combine(root, size.ToString(CultureInfo.InvariantCulture))).ToList();
        if (!folders.All(f => File.Exists(Path.Combine(f, CompleteMarker))))
        {
            Build(report, folders[1], large, small, folders[0]);
        }

        return [.. folders.Select(folder =>
        {
            var fields = File.ReadAllText(Path.Combine(folder, CompleteMarker)).Split(' ', StringSplitOptions.TrimEntries);
            return new Prepared(folder, uint.Parse(fields[0], CultureInfo.InvariantCulture), fields[1], fields[2], fields[3], uint.Parse(fields[4], CultureInfo.InvariantCulture), long.Parse(fields[5], CultureInfo.InvariantCulture));
        })];
    }

    private static void Build(Report report, string folder, int size, int prefixSize, string prefixFolder)
    {
        foreach (var f in new[] { folder, prefixFolder })
        {
            if (Directory.Exists(f))
            {
                Directory.Delete(f, recursive: true);
            }
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "network"), Workload.Network.Name + "\n");
        using var workload = Workload.Create(Senders, 0);
        var recipients = new Address[1_000];
        for (var i = 0; i < recipients.Length; i++)
        {
            recipients[i] = new Address(SHA256.HashData(BitConverter.GetBytes(i)).AsSpan(0, Address.Size));
        }

        var blocks = BlockStore.OpenFile(folder);
        blocks.Recover(0, out _);
        var state = new ChainStateStore(RocksDbKeyValueStore.Open(Path.Combine(folder, ChainStateStore.FolderName)));
        var chain = new Blockchain(Workload.Network, TimeProvider.System, blocks, store: state);

        // The same blocks in a ledger without a data folder (state and indexes in memory, bodies kept): the cost the
        // stores add is the difference.
        Blockchain? inMemory = new(Workload.Network, TimeProvider.System);
        foreach (var block in workload.FundingBlocks)
        {
            Expect(chain.SubmitBlock(block).Status == BlockStatus.Connected, "funding block");
            Expect(inMemory.SubmitBlock(block).Status == BlockStatus.Connected, "funding block");
        }

        var sender = Address.FromPublicKey(workload.Keys[0].ExportSubjectPublicKeyInfo());
        var nonces = size / Senders;
        var signing = TimeSpan.Zero;
        var validating = TimeSpan.Zero;
        var validatingInMemory = TimeSpan.Zero;
        var validatingCompared = TimeSpan.Zero;
        long compared = 0;

        // The same after the first third of the blocks, once the JIT has settled the ledger's and the stores' code (the
        // verification figure it is set against is measured warm too).
        var steady = (Store: TimeSpan.Zero, Transfers: 0L, InMemory: TimeSpan.Zero, Compared: TimeSpan.Zero, ComparedTransfers: 0L);

        // Verification of the first steady transfers, measured when they are gathered and again after the last block:
        // the steady figure's denominator, taken beside it rather than at the run's start.
        var verifySample = new List<Transaction>(VerifySampleSize + (NoncesPerBlock * Senders));
        double? verifyBefore = null;

        // RocksDB's flushes and compactions run on its own threads, mostly while the next block is being signed: their
        // CPU outside the blocks' SubmitBlock calls (from /proc, over the steady part) is added to the steady figure.
        double? steadyBackgroundStart = null;
        var steadyBackgroundInside = 0.0;
        string? firstTx = null;
        uint firstHeight = 0;
        long done = 0;
        var parent = chain.Tip.Header;
        string Probe() => string.Join(' ', chain.Tip.Height, firstTx, Workload.Network.FormatAddress(recipients[0]), Workload.Network.FormatAddress(sender), firstHeight, done);
        for (var first = 0; first < nonces; first += NoncesPerBlock)
        {
            if (first >= prefixSize / Senders && !File.Exists(Path.Combine(prefixFolder, CompleteMarker)))
            {
                // The small folder: this one as it is now, closed, copied, and reopened.
                state.Dispose();
                blocks.Dispose();
                CopyFolder(folder, prefixFolder);
                File.WriteAllText(Path.Combine(prefixFolder, CompleteMarker), Probe());
                blocks = BlockStore.OpenFile(folder);
                blocks.Recover(0, out _);
                state = new ChainStateStore(RocksDbKeyValueStore.Open(Path.Combine(folder, ChainStateStore.FolderName)));
                chain = new Blockchain(Workload.Network, TimeProvider.System, blocks, store: state);
                Expect(chain.Tip.Header.Hash == parent.Hash, "the reopened folder's tip");
            }

            // Signed a block at a time, so the history never has to fit in memory.
            var count = Math.Min(NoncesPerBlock, nonces - first);
            var txs = new Transaction[count * Senders];
            var cpu = Environment.CpuUsage.TotalTime;
            Parallel.For(0, Senders, s =>
            {
                for (var n = 0; n < count; n++)
                {
                    var to = recipients[((s * 7919) + first + n) % recipients.Length];
                    txs[(n * Senders) + s] = Transaction.CreateSigned(workload.Keys[s], Workload.Network.Magic, to, Workload.Amount, Workload.Network.MinFee, (ulong)(first + n));
                }
            });
            var block = DevBlocks.Build(parent, Address.Zero, txs);
            signing += Environment.CpuUsage.TotalTime - cpu;
            var settled = first >= nonces / 3;
            var background = ProcStat.RocksDbThreadsCpuSeconds();
            steadyBackgroundStart ??= settled ? background : null;
            cpu = Environment.CpuUsage.TotalTime;
            Expect(chain.SubmitBlock(block).Status == BlockStatus.Connected, $"block {block.Height}");
            var stored = Environment.CpuUsage.TotalTime - cpu;
            validating += stored;
            if (settled)
            {
                steadyBackgroundInside += ProcStat.RocksDbThreadsCpuSeconds() - background;
                steady.Store += stored;
                steady.Transfers += txs.Length;
                if (verifySample.Count < VerifySampleSize)
                {
                    verifySample.AddRange(txs);
                    if (verifySample.Count >= VerifySampleSize)
                    {
                        verifyBefore = VerifyFigures.CpuPerTransaction(verifySample);
                    }
                }
            }

            if (inMemory is not null)
            {
                cpu = Environment.CpuUsage.TotalTime;
                Expect(inMemory.SubmitBlock(block).Status == BlockStatus.Connected, $"block {block.Height} in memory");
                var inMemoryCpu = Environment.CpuUsage.TotalTime - cpu;
                validatingInMemory += inMemoryCpu;
                if (settled)
                {
                    steady.InMemory += inMemoryCpu;
                    steady.Compared += stored;
                    steady.ComparedTransfers += txs.Length;
                }

                validatingCompared += stored;
                compared += txs.Length;
                if (compared >= InMemoryComparison)
                {
                    inMemory = null;
                }
            }
            done += txs.Length;
            firstTx ??= txs[0].Id.ToString();
            firstHeight = firstHeight == 0 ? block.Height : firstHeight;
            parent = block.Header;
        }

        report.Add("store.build_cpu_us_per_tx", validating.TotalMicroseconds / (nonces * Senders), "us");
        report.Add("store.build_compared_cpu_us_per_tx", validatingCompared.TotalMicroseconds / compared, "us");
        report.Add("store.build_compared_in_memory_cpu_us_per_tx", validatingInMemory.TotalMicroseconds / compared, "us");
        report.Add("store.build_sign_cpu_us_per_tx", signing.TotalMicroseconds / (nonces * Senders), "us");
        var backgroundOutside = steadyBackgroundStart is { } backgroundStart ? ProcStat.RocksDbThreadsCpuSeconds() - backgroundStart - steadyBackgroundInside : 0;
        report.Add("store.build_steady_background_cpu_us_per_tx", backgroundOutside * 1e6 / Math.Max(steady.Transfers, 1), "us");
        report.Add("store.build_steady_cpu_us_per_tx", (steady.Store.TotalMicroseconds + (backgroundOutside * 1e6)) / Math.Max(steady.Transfers, 1), "us");
        if (steady.ComparedTransfers > 0)
        {
            report.Add("store.build_steady_compared_cpu_us_per_tx", steady.Compared.TotalMicroseconds / steady.ComparedTransfers, "us");
            report.Add("store.build_steady_compared_in_memory_cpu_us_per_tx", steady.InMemory.TotalMicroseconds / steady.ComparedTransfers, "us");
        }
        if (verifyBefore is { } before)
        {
            var after = VerifyFigures.CpuPerTransaction(verifySample);
            report.Add("store.build_verify_before_cpu_us_per_tx", before, "us");
            report.Add("store.build_verify_after_cpu_us_per_tx", after, "us");
            report.Add("store.build_verify_cpu_us_per_tx", (before + after) / 2, "us");
        }

        File.WriteAllText(Path.Combine(folder, CompleteMarker), Probe());
        state.Dispose();
        blocks.Dispose();
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            CopyFolder(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    // Starts the node on the folder once to settle it (wallet and node key created, files in the page cache), then
    // Starts more times, each until it answers status at the folder's height: the median CPU and RSS at that moment.
    private static (double Cpu, double RssMb) Measure(string node, string folder, uint height, Prepared? queries, Report? report = null)
    {
        using (var warm = NodeRun.Start(node, folder))
        {
            warm.WaitReady(height);
        }

        var cpus = new List<double>();
        var rss = new List<double>();
        for (var i = 0; i < Starts; i++)
        {
            using var run = NodeRun.Start(node, folder);
            run.WaitReady(height);
            var (cpu, bytes) = run.Usage();
            cpus.Add(cpu);
            rss.Add(bytes / 1e6);
            if (queries is not null && i == 0)
            {
                report!.Add("query.tx_ms", run.MedianLatency($"tx {queries.TxId}"), "ms");
                report.Add("query.history_recipient_ms", run.MedianLatency($"history {queries.Recipient} 10"), "ms");
                report.Add("query.history_sender_ms", run.MedianLatency($"history {queries.Sender} 10"), "ms");
                report.Add("query.header_ms", run.MedianLatency($"header {queries.OldHeight}"), "ms");
                report.Add("query.block_ms", run.MedianLatency($"block {queries.OldHeight}"), "ms");
                report.Add("query.block_raw_ms", run.MedianLatency($"block {queries.OldHeight} raw"), "ms");
                report.Add("query.block_tip_cached_ms", run.MedianLatency($"block {queries.Height}"), "ms");

                // The node's own CPU per answer (all its threads, from /proc): what the operation and its formatting
                // cost, whatever else shares the cores while the latencies above are taken.
                report.Add("query.block_node_cpu_ms", run.CpuPerAnswer($"block {queries.OldHeight}"), "ms");
                report.Add("query.block_raw_node_cpu_ms", run.CpuPerAnswer($"block {queries.OldHeight} raw"), "ms");
                report.Add("query.block_tip_cached_node_cpu_ms", run.CpuPerAnswer($"block {queries.Height}"), "ms");
            }
        }

        cpus.Sort();
        rss.Sort();
        return (cpus[Starts / 2], rss[Starts / 2]);
    }

    internal static string FindNode()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Chain.sln")))
            {
                var dll = Path.Combine(dir.FullName, "src", "Chain.Node", "bin", "Release", "net10.0", "Chain.Node.dll");
                return File.Exists(dll)
                    ? dll
                    : throw new InvalidOperationException($"{dll} is missing: build it first (dotnet build -c Release src/Chain.Node)");
            }
        }

        throw new InvalidOperationException("Chain.sln not found above the benchmark's folder");
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"{what} was refused");
        }
    }

    // A node process driven through its console (pipe mode: each answer ends with an empty line); the sync step uses it too.
    internal sealed class NodeRun : IDisposable
    {
        private readonly Process _process;

        private NodeRun(Process process) => _process = process;

        public static NodeRun Start(string dll, string folder)
        {
            Directory.CreateDirectory(folder);
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = folder,
            };
            foreach (var arg in new[] { dll, "--network", "dev", "--port", "0", "--bind", "127.0.0.1", "--data-dir", folder, "--no-rpc" })
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("the node did not start");
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            return new NodeRun(process);
        }

        public void WaitReady(uint height)
        {
            var status = Ask("status");
            var expected = $"height={height} ";
            if (status.Count != 1 || !status[0].StartsWith(expected, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the node answered '{string.Join(" | ", status)}', not {expected}");
            }
        }

        public (double CpuSeconds, long RssBytes) Usage()
        {
            var cpu = ProcStat.CpuSeconds($"/proc/{_process.Id}/stat");
            var rssLine = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kb = long.Parse(rssLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return (cpu, kb * 1024);
        }

        public double MedianLatency(string command)
        {
            var times = new List<double>();
            for (var i = 0; i < Queries; i++)
            {
                var watch = Stopwatch.StartNew();
                var answer = Ask(command);
                times.Add(watch.Elapsed.TotalMilliseconds);
                if (answer.Count == 0 || answer[0].StartsWith("error:", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{command}: {string.Join(" | ", answer)}");
                }
            }

            times.Sort();
            return times[Queries / 2];
        }

        public double CpuPerAnswer(string command)
        {
            var before = Usage().CpuSeconds;
            for (var i = 0; i < CpuQueries; i++)
            {
                Ask(command);
            }

            return (Usage().CpuSeconds - before) * 1000 / CpuQueries;
        }

        public void Dispose()
        {
            try
            {
                try
                {
                    _process.StandardInput.WriteLine("quit");
                    _process.StandardInput.Flush();
                }
                catch (IOException)
                {
                    // The node has already exited (its standard input is closed): nothing to ask.
                }

                if (!_process.WaitForExit(TimeSpan.FromMinutes(1)))
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit();
                }
            }
            finally
            {
                _process.Dispose();
            }
        }

        public List<string> Ask(string command)
        {
            _process.StandardInput.WriteLine(command);
            _process.StandardInput.Flush();
            var lines = new List<string>();
            while (_process.StandardOutput.ReadLine() is { } line)
            {
                if (line.Length == 0)
                {
                    return lines;
                }

                lines.Add(line);
            }

            throw new InvalidOperationException($"the node exited before answering {command}");
        }
    }
}
