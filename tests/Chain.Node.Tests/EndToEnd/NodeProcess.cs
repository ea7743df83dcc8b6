using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>
/// A real node process (the built Chain.Node.dll run with <c>dotnet</c>), driven through standard input and
/// output as a user would. Every wait is bounded; <see cref="DisposeAsync"/> kills the process if it still runs.
/// </summary>
internal sealed partial class NodeProcess : IAsyncDisposable
{
    /// <summary>
    /// Bound on any single wait for the node: a liveness bound that only decides how long a failing test takes to
    /// say so, never whether a test passes. 30 s was too short on a machine at load 14 and more (a node's start,
    /// JIT included, took longer), so it is 90 s.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static readonly Lazy<string> NodeDll = new(LocateNodeDll);
    private static readonly Lazy<string> DotnetHost = new(LocateDotnetHost);

    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly SemaphoreSlim _stderrChanged = new(0);
    private readonly Task _readers;

    private NodeProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _readers = Task.WhenAll(ReadStdoutAsync(), ReadStderrAsync());
    }

    /// <summary>The node binary the tests run (Chain.Node.dll, run with <c>dotnet</c>).</summary>
    public static string NodeDllPath => NodeDll.Value;

    /// <summary>A label for failure messages.</summary>
    public string Name { get; }

    /// <summary>The port the node listens on (known after <see cref="StartAsync"/>).</summary>
    public int Port { get; private set; }

    /// <summary>The node's id, from its listening log line.</summary>
    public string NodeId { get; private set; } = string.Empty;

    /// <summary>The address the node listens on, from its listening log line (127.0.0.1 unless <c>--bind</c> says otherwise).</summary>
    public string Host { get; private set; } = string.Empty;

    /// <summary><c>&lt;host&gt;:&lt;port&gt;</c>, for other nodes' <c>--peers</c>.</summary>
    public string Endpoint => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    /// <summary>Every line the node logged so far.</summary>
    public string Log => string.Join('\n', _stderr);

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts a dev-network node on 127.0.0.1, port 0 (the OS picks a free one) unless <paramref name="args"/>
    /// give a port or an address, and waits until it listens. A <paramref name="launcher"/> (such as
    /// <c>ip netns exec &lt;namespace&gt;</c>) runs the node through that command.
    /// </summary>
    public static async Task<NodeProcess> StartAsync(string name, string dataDir, IEnumerable<string>? args = null, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? launcher = null)
    {
        var all = new List<string> { "--network", "dev", "--data-dir", dataDir, "--miner-threads", "1" };
        var extra = args?.ToList() ?? [];
        if (!extra.Contains("--port"))
        {
            all.AddRange(["--port", "0"]);
        }

        if (!extra.Contains("--bind"))
        {
            all.AddRange(["--bind", "127.0.0.1"]);
        }

        all.AddRange(extra);
        Directory.CreateDirectory(dataDir);
        var node = Launch(name, all, environment, workingDirectory: dataDir, launcher);
        try
        {
            var listening = await node.WaitForLogAsync(ListeningLine());
            node.Host = listening.Groups["ip"].Value;
            node.Port = int.Parse(listening.Groups["port"].Value, CultureInfo.InvariantCulture);
            node.NodeId = listening.Groups["id"].Value;
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs the node binary with exactly <paramref name="args"/> (nothing added) and returns at once; through
    /// <paramref name="launcher"/> if given, which must exec the command in place so that killing the process kills the node.
    /// </summary>
    public static NodeProcess Launch(string name, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, IReadOnlyList<string>? launcher = null)
    {
        // Through a launcher, dotnet is named by its full path: the launcher's own search path is not ours to rely on.
        var command = launcher is { Count: > 0 } ? [.. launcher, DotnetHost.Value] : new[] { "dotnet" };
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var part in command.Skip(1))
        {
            info.ArgumentList.Add(part);
        }

        info.ArgumentList.Add(NodeDll.Value);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The test runner's own CHAIN_ settings must not leak into the nodes.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("CHAIN_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var dumps = Environment.GetEnvironmentVariable("CHAIN_TEST_DUMP_DIR");
        if (!string.IsNullOrEmpty(dumps))
        {
            // A node that crashes writes a dump there too (the runtime's createdump).
            info.Environment["DOTNET_DbgEnableMiniDump"] = "1";
            info.Environment["DOTNET_DbgMiniDumpType"] = "2";
            info.Environment["DOTNET_DbgMiniDumpName"] = Path.Combine(dumps, "crash-%p.dmp");
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.AutoFlush = true;
        return new NodeProcess(process, name);
    }

    /// <summary>Runs the node binary to completion (for options that stop it at once): exit code, stdout, stderr.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunToExitAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        await using var node = Launch("run", args, environment, workingDirectory);
        node._process.StandardInput.Close();
        var exitCode = await node.WaitForExitAsync();
        var output = new List<string>();
        while (node._stdout.Reader.TryRead(out var line))
        {
            output.Add(line);
        }

        return (exitCode, string.Join('\n', output), node.Log);
    }

    /// <summary>
    /// Sends one console command and returns its answer lines: everything up to the empty line that ends
    /// every answer when the console's input is not a terminal (README "Console commands").
    /// </summary>
    public async Task<IReadOnlyList<string>> CommandAsync(string command, TimeSpan? timeout = null)
    {
        await _process.StandardInput.WriteLineAsync(command);
        var answer = new List<string>();
        using var cancel = new CancellationTokenSource(timeout ?? Timeout);
        try
        {
            while (true)
            {
                var line = await _stdout.Reader.ReadAsync(cancel.Token);
                if (line.Length == 0)
                {
                    return answer;
                }

                answer.Add(line);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"{Name}: no answer to '{command}' (got: {string.Join(" | ", answer)}; exited: {_process.HasExited}).\nLog:\n{Log}", e);
        }
    }

    /// <summary>The next line of standard output as written (an empty line included), for tests of the console's framing.</summary>
    public async Task<string> ReadOutputLineAsync()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        try
        {
            return await _stdout.Reader.ReadAsync(cancel.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"{Name}: no more output (exited: {_process.HasExited}).\nLog:\n{Log}", e);
        }
    }

    /// <summary>Sends a command whose answer is one line, and returns that line.</summary>
    public async Task<string> AskAsync(string command)
    {
        var answer = await CommandAsync(command);
        Assert.True(answer.Count == 1, $"{Name}: '{command}' answered {answer.Count} lines: {string.Join(" | ", answer)}");
        return answer[0];
    }

    /// <summary>Closes the node's standard input (end of file), as when it runs detached from a terminal.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Writes a line to the console without waiting for an answer.</summary>
    public Task SendAsync(string line) => _process.StandardInput.WriteLineAsync(line);

    /// <summary>One value of the <c>status</c> line, e.g. <c>height</c>.</summary>
    public async Task<string> StatusAsync(string key)
    {
        var status = await AskAsync("status");
        var match = Regex.Match(status, $@"(?:^| ){Regex.Escape(key)}=(\S+)");
        Assert.True(match.Success, $"{Name}: status has no {key}: {status}");
        return match.Groups[1].Value;
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; after <see cref="Timeout"/> fails with <paramref name="what"/>
    /// and the logs of <paramref name="logsOf"/>, so a relay that never happened can be read from the nodes' own words.
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, params NodeProcess[] logsOf)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > Timeout)
            {
                var logs = string.Concat(logsOf.Select(n => $"\n--- {n.Name} log:\n{n.Log}"));
                throw new TimeoutException($"timed out after {Timeout.TotalSeconds:0} s waiting for {what}{logs}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the node logs a line matching <paramref name="pattern"/>, including lines already logged.</summary>
    public async Task<Match> WaitForLogAsync(Regex pattern, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? Timeout;
        var seen = 0;
        while (true)
        {
            var lines = _stderr.ToArray();
            for (; seen < lines.Length; seen++)
            {
                var match = pattern.Match(lines[seen]);
                if (match.Success)
                {
                    return match;
                }
            }

            var left = limit - deadline.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{Name}: no log line matching /{pattern}/ within {limit.TotalSeconds:0} s (exited: {_process.HasExited}).\nLog:\n{Log}");
            }

            if (_process.HasExited && _readers.IsCompleted && seen == _stderr.Count)
            {
                throw new InvalidOperationException($"{Name}: exited ({_process.ExitCode}) without logging /{pattern}/.\nLog:\n{Log}");
            }

            await _stderrChanged.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds)));
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code (the output fully read).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? Timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            await _readers.WaitAsync(cancel.Token);
        }
        catch (OperationCanceledException e)
        {
            DumpIfAsked();
            throw new TimeoutException($"{Name}: did not exit within {(timeout ?? Timeout).TotalSeconds:0} s.\nLog:\n{Log}", e);
        }

        return _process.ExitCode;
    }

    /// <summary>
    /// True when this test process inherited SIGINT as ignored (a runner started in the background by a
    /// non-interactive shell): the nodes inherit it too and, as Unix programs should, keep ignoring it.
    /// </summary>
    public static bool InterruptIgnored { get; } = ReadInterruptIgnored();

    private static bool ReadInterruptIgnored()
    {
        const string status = "/proc/self/status";
        var line = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) : null;
        return line is not null && (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 0x2) != 0;
    }

    /// <summary>Types <c>quit</c> and waits for the exit code.</summary>
    public async Task<int> QuitAsync()
    {
        await SendAsync("quit");
        return CheckedExit(await WaitForExitAsync());
    }

    /// <summary>Sends <paramref name="signal"/> (INT is Ctrl+C) and returns once it is delivered, without waiting for an exit.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Sends SIGTERM (what a service manager or <c>kill</c> sends), or another signal such as INT (Ctrl+C), and waits for the exit code.</summary>
    public async Task<int> TerminateAsync(string signal = "TERM", TimeSpan? timeout = null)
    {
        using (var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        return signal == "KILL" ? await WaitForExitAsync(timeout) : CheckedExit(await WaitForExitAsync(timeout));
    }

    // CHAIN_TEST_DUMP_DIR set: a node that hangs is dumped there (dotnet-dump on PATH) before the test fails.
    private void DumpIfAsked()
    {
        var folder = Environment.GetEnvironmentVariable("CHAIN_TEST_DUMP_DIR");
        if (string.IsNullOrEmpty(folder) || _process.HasExited)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{Name}-{_process.Id}.dmp"));
        using var dump = Process.Start("dotnet-dump", ["collect", "-p", _process.Id.ToString(CultureInfo.InvariantCulture), "-o", file]);
        dump.WaitForExit(60_000);
    }

    // An abort (134) at shutdown is a crash: fail with the node's log so the cause is visible in CI output.
    private int CheckedExit(int exitCode) =>
        exitCode == 134 ? throw new InvalidOperationException($"{Name}: aborted (exit 134) while stopping.\nLog:\n{Log}") : exitCode;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(Timeout);
            await _readers.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
        }

        _process.Dispose();
        _stderrChanged.Dispose();
    }

    private async Task ReadStdoutAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            await _stdout.Writer.WriteAsync(line);
        }

        _stdout.Writer.TryComplete();
    }

    private async Task ReadStderrAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            _stderr.Enqueue(line);
            _stderrChanged.Release();
        }

        _stderrChanged.Release();
    }

    // The node runs from the Chain.Node build output (same configuration as these tests); the copy next to
    // the test assembly is the fallback.
    private static string LocateNodeDll()
    {
        var testDir = AppContext.BaseDirectory;
        var configuration = new DirectoryInfo(testDir).Parent?.Name ?? "Debug";
        for (var dir = new DirectoryInfo(testDir); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Chain.sln")))
            {
                var framework = new DirectoryInfo(testDir).Name;
                var built = System.IO.Path.Combine(dir.FullName, "src", "Chain.Node", "bin", configuration, framework, "Chain.Node.dll");
                if (File.Exists(built))
                {
                    return built;
                }

                break;
            }
        }

        var copied = System.IO.Path.Combine(testDir, "Chain.Node.dll");
        return File.Exists(copied) ? copied : throw new FileNotFoundException("Chain.Node.dll not found: build src/Chain.Node first", copied);
    }

    // The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH for its children), else the first on PATH.
    private static string LocateDotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, "dotnet"))
            .FirstOrDefault(File.Exists);
        return onPath is null ? throw new FileNotFoundException("dotnet not found on PATH") : System.IO.Path.GetFullPath(onPath);
    }

    [GeneratedRegex(@"Listening for peers on (?<ip>[^\s]+):(?<port>\d+) as node (?<id>[0-9a-f]+)")]
    private static partial Regex ListeningLine();
}
