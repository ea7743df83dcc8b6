using System.Diagnostics;

namespace Chain.Core.Tests.TestSupport;

/// <summary>Runs the <c>openssl</c> command line when it is on PATH; tests skip their openssl part otherwise.</summary>
internal static class OpenSslTool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Full path of openssl, or null when it is not on PATH.</summary>
    public static string? Path { get; } = Find();

    public static (int ExitCode, string StdOut, string StdErr) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException("openssl is not on PATH."))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill();
            throw new TimeoutException("openssl did not finish.");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string? Find()
    {
        var name = OperatingSystem.IsWindows() ? "openssl.exe" : "openssl";
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
