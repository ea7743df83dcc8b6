using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Chain.Benchmarks.Support;
using Chain.Core.Ledger;

namespace Chain.Benchmarks.Quick;

/// <summary>
/// The JSON-RPC API of a real node process (the built Chain.Node.dll, same configuration as this program) on
/// loopback: <c>status</c> requests a second from 16 concurrent clients, <c>sendraw</c> transactions a second from
/// 16 clients against the one-thread verification rate, and how soon a WebSocket subscriber hears of a new block.
/// The clients run in this process, on the same cores as the node.
/// </summary>
internal static partial class RpcFigures
{
    public const int Clients = 16;

    public const int LatencyBlocks = 100;

    /// <summary>Transactions of each sender sent by <c>sendraw</c> one a request: 20 x 300 in all, well within the node's mempool.</summary>
    public const int SendRawSinglePerSender = 300;

    /// <summary>
    /// Transactions of each sender sent in batches before the batched round is timed, so the node's batch path is
    /// compiled and tiered up, as the status round's warm-up does for status: 20 x 400, not counted (with 200, a
    /// profile of the timed round still found a tenth of the node's CPU in the JIT).
    /// </summary>
    public const int SendRawWarmupPerSender = 400;

    /// <summary>Transactions of each sender sent in the timed batched round: 20 x 500, after the single round's and the warm-up's nonces.</summary>
    public const int SendRawPerSender = 500;

    /// <summary>Transactions in one JSON-RPC batch of the batched round.</summary>
    public const int BatchSize = 50;

    /// <summary>The status round's warm-up at least; it goes on while the node's CPU a request still falls (<see cref="SettleAsync"/>).</summary>
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);

    /// <summary>The status round's warm-up at most.</summary>
    private static readonly TimeSpan MaxWarmup = TimeSpan.FromSeconds(20);

    /// <summary>One window of the warm-up: the node's CPU a request is compared window to window.</summary>
    private static readonly TimeSpan SettleWindow = TimeSpan.FromSeconds(1);

    /// <summary>A window whose node CPU a request is not this much below the lowest window's so far brings nothing new.</summary>
    private const double SettledFall = 0.10;

    /// <summary>The warm-up ends after this many windows in a row that bring nothing new.</summary>
    private const int SettledWindows = 3;

    private static readonly TimeSpan Measured = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(Report report, Workload workload)
    {
        // The funding chain comes from an in-process peer, which the node syncs from; the peer then leaves, so it
        // does not verify every transaction sent to the node a second time on the same cores.
        var source = await InProcessNode.StartAsync(workload.FundingBlocks);
        var folder = Directory.CreateTempSubdirectory("chain-bench-rpc-").FullName;
        using var node = StartNode(folder, source.Port);
        try
        {
            var (endpoint, secret) = await WaitForApiAsync(node, folder);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = new Uri($"http://{endpoint}/"), Timeout = Timeout };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            var fundedHeight = workload.FundingBlocks.Count;
            try
            {
                await WaitUntilAsync(async () => (await CallAsync(http, "status", "[]")).GetProperty("height").GetInt32() >= fundedHeight, "the node to sync the funding blocks");
            }
            finally
            {
                await source.DisposeAsync();
            }

            await StatusAsync(report, http, node);
            await SendRawAsync(report, http, workload, node);
            await SubscriberLatencyAsync(report, endpoint, secret);
        }
        finally
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task StatusAsync(Report report, HttpClient http, Process node)
    {
        var body = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"status"}""");
        long count = 0;
        var counting = false;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var content = new ByteArrayContent(body);
                using var response = await http.PostAsync(string.Empty, content);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
                if (Volatile.Read(ref counting))
                {
                    Interlocked.Increment(ref count);
                }
            }
        })).ToList();
        Volatile.Write(ref counting, true);
        var warmup = await SettleAsync(node, () => Interlocked.Read(ref count));
        node.Refresh();
        var nodeCpu = node.TotalProcessorTime;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        Interlocked.Exchange(ref count, 0);
        await Task.Delay(Measured);
        Volatile.Write(ref counting, false);
        var elapsed = clock.Elapsed;
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        node.Refresh();
        var serverCpu = node.TotalProcessorTime - nodeCpu;
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        report.Add("rpc.status_per_sec", Interlocked.Read(ref count) / elapsed.TotalSeconds, "req/s");
        // Where the two cores went: the node's process, the 16 clients (this process), and what is left is others'.
        report.Add("rpc.status_node_cores", serverCpu / elapsed, "cores");
        report.Add("rpc.status_client_cores", clientCpu / elapsed, "cores");
        report.Add("rpc.status_warmup_s", warmup.TotalSeconds, "s");
        report.Add("rpc.status_node_cpu_us_per_req", serverCpu.TotalMicroseconds / Math.Max(1, Interlocked.Read(ref count)), "us");
    }

    // The warm-up of the status round: at least Warmup, then on in windows of SettleWindow until SettledWindows
    // windows in a row bring the node's CPU a request no more than SettledFall below the lowest window so far, at most
    // MaxWarmup; returns how long it took. A fresh node compiles its request path as the requests come (tiered
    // compilation: quick code, then instrumented, then optimised in the background); a profile after a 2-second warm-up
    // found the JIT in half of the node's CPU in the timed window, more under load.
    private static async Task<TimeSpan> SettleAsync(Process node, Func<long> requests)
    {
        var clock = Stopwatch.StartNew();
        await Task.Delay(Warmup);
        var lowest = double.MaxValue;
        var flat = 0;
        while (flat < SettledWindows && clock.Elapsed < MaxWarmup)
        {
            node.Refresh();
            var cpu = node.TotalProcessorTime;
            var before = requests();
            await Task.Delay(SettleWindow);
            node.Refresh();
            var perRequest = (node.TotalProcessorTime - cpu).TotalMicroseconds / Math.Max(1, requests() - before);
            flat = perRequest < lowest * (1 - SettledFall) ? 0 : flat + 1;
            lowest = Math.Min(lowest, perRequest);
        }

        return clock.Elapsed;
    }

    // Each client sends its senders' transactions in nonce order (a gap would be refused), 16 clients at once: one
    // transaction a request, then the next transactions in JSON-RPC batches of BatchSize (answered in order), first
    // untimed (the warm-up), then timed.
    private static async Task SendRawAsync(Report report, HttpClient http, Workload workload, Process node)
    {
        await SendRawRoundAsync(report, http, workload, node, "rpc.sendraw_single", 0, SendRawSinglePerSender, 1);
        await SendRawRoundAsync(null, http, workload, node, "rpc.sendraw_warmup", SendRawSinglePerSender, SendRawWarmupPerSender, BatchSize);
        await SendRawRoundAsync(report, http, workload, node, "rpc.sendraw", SendRawSinglePerSender + SendRawWarmupPerSender, SendRawPerSender, BatchSize);
    }

    // Sends each sender's transactions from skip on, count of them, batch to a request; reports the figures unless report is null (a warm-up).
    private static async Task SendRawRoundAsync(Report? report, HttpClient http, Workload workload, Process node, string name, int skip, int count, int batch)
    {
        // The request bodies are made before the clock starts: encoding the transactions is the external wallet's work,
        // done before it calls the node, and made on the clock it took the clients' share of the two cores away from the
        // node (the target's denominator, one-thread verification, has a core to itself).
        var perClient = Enumerable.Range(0, Clients)
            .Select(c => Enumerable.Range(0, workload.Senders).Where(s => s % Clients == c).SelectMany(s => workload.Transfers[s].Skip(skip).Take(count)).ToList())
            .Select(list => list.Chunk(batch).Select(chunk => Body(chunk, batch)).ToList())
            .ToList();
        var total = perClient.Sum(bodies => bodies.Sum(b => b.Count));
        node.Refresh();
        var nodeCpu = node.TotalProcessorTime;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var accepted = 0;
        await Task.WhenAll(perClient.Select(bodies => Task.Run(async () =>
        {
            foreach (var (body, _) in bodies)
            {
                using var content = new ByteArrayContent(body);
                using var response = await http.PostAsync(string.Empty, content);
                using var answer = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
                var answers = answer.RootElement.ValueKind == JsonValueKind.Array ? answer.RootElement.EnumerateArray().ToList() : [answer.RootElement];
                Interlocked.Add(ref accepted, answers.Count(a => a.TryGetProperty("result", out _)));
            }
        })));
        var elapsed = clock.Elapsed;
        if (accepted != total)
        {
            throw new InvalidOperationException($"{total - accepted} of {total} sendraw requests were refused");
        }

        if (report is null)
        {
            return;
        }

        report.Add($"{name}_per_sec", total / elapsed.TotalSeconds, "tx/s");
        node.Refresh();
        report.Add($"{name}_node_cores", (node.TotalProcessorTime - nodeCpu) / elapsed, "cores");
        report.Add($"{name}_client_cores", (Process.GetCurrentProcess().TotalProcessorTime - cpu) / elapsed, "cores");
        report.Add($"{name}_node_cpu_us_per_tx", (node.TotalProcessorTime - nodeCpu).TotalMicroseconds / total, "us");
    }

    // One request (batch == 1) or a JSON-RPC batch of sendraw calls, as UTF-8, and how many transactions it carries.
    private static (byte[] Body, int Count) Body(Transaction[] chunk, int batch)
    {
        var body = new StringBuilder();
        body.Append(batch == 1 ? string.Empty : "[");
        for (var i = 0; i < chunk.Length; i++)
        {
            body.Append(i == 0 ? string.Empty : ",").Append("{\"jsonrpc\":\"2.0\",\"id\":").Append(i).Append(",\"method\":\"sendraw\",\"params\":[\"")
                .Append(Convert.ToHexStringLower(chunk[i].Encode())).Append("\"]}");
        }

        body.Append(batch == 1 ? string.Empty : "]");
        return (Encoding.UTF8.GetBytes(body.ToString()), chunk.Length);
    }

    // Upper bound of the delay from the node connecting a block to a subscriber hearing of it: from asking for the
    // block (mine, over the subscriber's own socket) to the notification, mining and connecting included.
    private static async Task SubscriberLatencyAsync(Report report, string endpoint, string secret)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{endpoint}/?token={secret}"), CancellationToken.None).WaitAsync(Timeout);
        var buffer = new byte[1 << 16];
        await SendAsync(socket, """{"jsonrpc":"2.0","id":0,"method":"subscribe","params":["tips"]}""");
        await ReceiveAsync(socket, buffer, m => m.TryGetProperty("id", out _));
        var latencies = new List<double>(LatencyBlocks);
        for (var i = 1; i <= LatencyBlocks; i++)
        {
            var asked = Stopwatch.GetTimestamp();
            await SendAsync(socket, string.Create(CultureInfo.InvariantCulture, $$"""{"jsonrpc":"2.0","id":{{i}},"method":"mine","params":[1]}"""));
            await ReceiveAsync(socket, buffer, m => m.TryGetProperty("method", out _));
            latencies.Add(Stopwatch.GetElapsedTime(asked).TotalMilliseconds);
            await ReceiveAsync(socket, buffer, m => m.TryGetProperty("id", out _)); // the mine answer, after the notification
        }

        latencies.Sort();
        report.Add("rpc.subscriber_latency_ms_p50", latencies[latencies.Count / 2], "ms");
        report.Add("rpc.subscriber_latency_ms_p90", latencies[latencies.Count * 9 / 10], "ms");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    private static Task SendAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Timeout);

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket, byte[] buffer, Func<JsonElement, bool> match)
    {
        while (true)
        {
            var length = 0;
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None).WaitAsync(Timeout);
                length += received.Count;
            }
            while (!received.EndOfMessage);

            var message = JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
            if (match(message))
            {
                return message;
            }
        }
    }

    private static async Task<JsonElement> CallAsync(HttpClient http, string method, string parameters)
    {
        var answer = await CallRawAsync(http, method, parameters);
        return answer.TryGetProperty("result", out var result) ? result : throw new InvalidOperationException($"{method}: {answer}");
    }

    private static async Task<JsonElement> CallRawAsync(HttpClient http, string method, string parameters)
    {
        using var content = new StringContent($$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}","params":{{parameters}}}""");
        using var response = await http.PostAsync(string.Empty, content);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Timeout)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(50);
        }
    }

    private static Process StartNode(string folder, int sourcePort)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var arg in new[] { LocateNodeDll(), "--network", "dev", "--port", "0", "--bind", "127.0.0.1", "--data-dir", Path.Combine(folder, "node"), "--miner-threads", "1", "--peers", $"127.0.0.1:{sourcePort}" })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("CHAIN_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private static async Task<(string Endpoint, string Secret)> WaitForApiAsync(Process node, string folder)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        while (await node.StandardError.ReadLineAsync(cancel.Token) is { } line)
        {
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                // The rest of the log is read and dropped, so the node never blocks on a full pipe.
                _ = Task.Run(async () =>
                {
                    while (await node.StandardError.ReadLineAsync() is not null)
                    {
                    }
                });
                var secret = (await File.ReadAllTextAsync(Path.Combine(folder, "node", ".cookie"))).Split(':')[1].Trim();
                return (match.Groups["endpoint"].Value, secret);
            }
        }

        throw new InvalidOperationException($"the node exited ({node.ExitCode}) before its API listened");
    }

    private static string LocateNodeDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = here.Name;
        var configuration = here.Parent?.Name ?? "Release";
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            var built = Path.Combine(dir.FullName, "src", "Chain.Node", "bin", configuration, framework, "Chain.Node.dll");
            if (File.Exists(built))
            {
                return built;
            }
        }

        throw new FileNotFoundException("Chain.Node.dll not found: build src/Chain.Node in the same configuration");
    }

    [GeneratedRegex(@"JSON-RPC API listening on (?<endpoint>[^\s]+) ")]
    private static partial Regex ListeningLine();
}
