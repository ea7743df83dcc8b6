using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Chain.Node.Testnet;

/// <summary>
/// One node of a testnet: a child process running this same node binary, its standard input held open (the
/// console; <c>quit</c> stops it), its standard error read for the start-up lines and kept in a short tail.
/// </summary>
internal sealed partial class TestnetNode : IDisposable
{
    /// <summary>Log lines kept for a report when the node stops on its own.</summary>
    public const int TailLines = 30;

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly TaskCompletionSource<Match> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Match> _rpc = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _explorer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _readers;

    private TestnetNode(string name, Process process)
    {
        Name = name;
        _process = process;
        _readers = Task.WhenAll(ReadErrorAsync(), DrainOutputAsync());
    }

    /// <summary>The node's label (<c>node1</c>…).</summary>
    public string Name { get; }

    /// <summary>The child's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Whether the child has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last log lines, for a report.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join(Environment.NewLine, _tail);
            }
        }
    }

    /// <summary>Starts the node binary with <paramref name="args"/>.</summary>
    public static TestnetNode Start(string name, IEnumerable<string> args)
    {
        var (file, prefix) = SelfCommand();
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in prefix.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{name}: the node did not start");
        process.StandardInput.AutoFlush = true;
        return new TestnetNode(name, process);
    }

    /// <summary>
    /// Waits for the start-up lines: the peer endpoint and node id, the API endpoint and the explorer's URL.
    /// Throws <see cref="InvalidOperationException"/> with the log's tail if the node exits first.
    /// </summary>
    public async Task<(string Endpoint, string NodeId, string Rpc, string Explorer)> WaitStartedAsync(CancellationToken cancellationToken)
    {
        var exited = _process.WaitForExitAsync(cancellationToken);
        var started = Task.WhenAll(_listening.Task, _rpc.Task, _explorer.Task);
        if (await Task.WhenAny(started, exited) != started)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await _readers.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw new InvalidOperationException($"{Name} stopped (exit code {_process.ExitCode}) before it was listening:{Environment.NewLine}{Tail}");
        }

        var listening = await _listening.Task;
        return (listening.Groups["endpoint"].Value, listening.Groups["id"].Value, (await _rpc.Task).Groups["endpoint"].Value, await _explorer.Task);
    }

    /// <summary>A task that completes when the child exits.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>
    /// Stops the node as a user would (<c>quit</c> at its console), and kills it with its process tree if it has
    /// not exited within <paramref name="grace"/>. Returns its exit code.
    /// </summary>
    public async Task<int> StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync("quit");
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // It is exiting already: its input pipe is closed.
            }

            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        await _readers.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    // The command that runs this node binary again: the apphost itself, or dotnet with the assembly.
    private static (string File, string[] Prefix) SelfCommand()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("The node binary's path is unknown.");
        return Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? (path, [typeof(TestnetNode).Assembly.Location])
            : (path, []);
    }

    private async Task ReadErrorAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            lock (_tail)
            {
                _tail.Enqueue(line);
                if (_tail.Count > TailLines)
                {
                    _tail.Dequeue();
                }
            }

            if (ListeningLine().Match(line) is { Success: true } listening)
            {
                _listening.TrySetResult(listening);
            }
            else if (RpcLine().Match(line) is { Success: true } rpc)
            {
                _rpc.TrySetResult(rpc);
            }
            else if (ExplorerLine().Match(line) is { Success: true } explorer)
            {
                _explorer.TrySetResult(explorer.Groups["url"].Value);
            }
        }
    }

    // The console's answers (only to quit) are not shown; the pipe is read so the node never blocks on it.
    private async Task DrainOutputAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is not null)
        {
        }
    }

    [GeneratedRegex(@"Listening for peers on (?<endpoint>\S+) as node (?<id>[0-9a-f]{64})")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"JSON-RPC API listening on (?<endpoint>\S+) ")]
    private static partial Regex RpcLine();

    [GeneratedRegex(@"Explorer: (?<url>\S+)")]
    private static partial Regex ExplorerLine();
}
