using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>
/// The console at a real terminal: the node runs under util-linux's <c>script</c>, which gives it a pseudo-terminal,
/// and the test types keys into it. Skipped (returns) where <c>script</c> is missing.
/// </summary>
public sealed class TerminalTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Terminal_TabCompletesUpRecallsCtrlDStopsTheNode()
    {
        if (!File.Exists("/usr/bin/script") || OperatingSystem.IsWindows())
        {
            return; // no pseudo-terminal to type into on this machine
        }

        var command = $"dotnet '{NodeProcess.NodeDllPath}' --network dev --port 0 --bind 127.0.0.1 --no-rpc --miner-threads 1 --data-dir '{_folder.Combine("data")}' 2>/dev/null";
        var info = new ProcessStartInfo("/usr/bin/script", ["-qfec", command, "/dev/null"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var screen = new StringBuilder();
        var reader = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int read;
            while ((read = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (screen)
                {
                    screen.Append(buffer, 0, read);
                }
            }
        });

        try
        {
            await WaitForAsync(screen, 0, "> ");
            var mark = await TypeAsync(process, screen, "mine 2\r");
            await WaitForAsync(screen, mark, @"\n2 [0-9a-f]{64}");
            mark = await TypeAsync(process, screen, "sta\t\r"); // completed to "status "
            await WaitForAsync(screen, mark, "height=2 ");
            mark = await TypeAsync(process, screen, "\u001b[A\u001b[A\r"); // up twice: mine 2 again
            await WaitForAsync(screen, mark, @"\n4 [0-9a-f]{64}");
            mark = await TypeAsync(process, screen, "\u0004"); // Ctrl+D at an empty line
            await WaitForAsync(screen, mark, "stopping");
            await process.WaitForExitAsync().WaitAsync(NodeProcess.Timeout);
            await reader.WaitAsync(NodeProcess.Timeout);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    // Types the keys; returns how much of the screen was there before, so the answer is looked for after it.
    private static async Task<int> TypeAsync(Process process, StringBuilder screen, string keys)
    {
        int mark;
        lock (screen)
        {
            mark = screen.Length;
        }

        await process.StandardInput.WriteAsync(keys);
        await process.StandardInput.FlushAsync();
        return mark;
    }

    // Waits until the screen after position mark matches pattern.
    private static async Task WaitForAsync(StringBuilder screen, int mark, string pattern)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            lock (screen)
            {
                if (Regex.IsMatch(screen.ToString(mark, screen.Length - mark), pattern))
                {
                    return;
                }
            }

            if (watch.Elapsed > NodeProcess.Timeout)
            {
                lock (screen)
                {
                    throw new TimeoutException($"the terminal never showed /{pattern}/:\n{screen}");
                }
            }

            await Task.Delay(50);
        }
    }
}
