using System.Diagnostics;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>Runs the built command-line client (<c>Chain.Cli.dll</c>) to completion: exit code, standard output, standard error.</summary>
internal static class CliProcess
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    /// <summary>Runs the client with <paramref name="environment"/> added to this process's.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(LocateCliDll());
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(NodeProcess.Timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chain-cli {string.Join(' ', args)} did not exit within {NodeProcess.Timeout.TotalSeconds:0} s");
        }

        return (process.ExitCode, await output, await error);
    }

    private static string LocateCliDll()
    {
        var testDir = AppContext.BaseDirectory;
        var framework = new DirectoryInfo(testDir).Name;
        var configuration = new DirectoryInfo(testDir).Parent?.Name ?? "Debug";
        for (var dir = new DirectoryInfo(testDir); dir is not null; dir = dir.Parent)
        {
            var built = Path.Combine(dir.FullName, "src", "Chain.Cli", "bin", configuration, framework, "Chain.Cli.dll");
            if (File.Exists(built))
            {
                return built;
            }
        }

        throw new FileNotFoundException("Chain.Cli.dll not found: build src/Chain.Cli first");
    }
}
