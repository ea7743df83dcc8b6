using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Chain.Benchmarks.Quick;

/// <summary>Runs <c>openssl speed</c> (one thread) for the reference figures the targets compare with, when openssl is on PATH.</summary>
internal static partial class OpenSslReference
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static void Run(Report report)
    {
        if (Find() is not { } openssl)
        {
            report.Note("openssl is not on PATH: no reference figures");
            return;
        }

        // "Doing sha256 for 3s on 80 size blocks: 19203044 sha256's in 2.99s"
        var sha = RunTool(openssl, "speed", "-seconds", "3", "-bytes", "80", "sha256");
        var shaMatch = ShaDoing().Match(sha);
        if (shaMatch.Success)
        {
            report.Add("openssl.sha256_80b_per_sec", Rate(shaMatch.Groups["n"].Value, shaMatch.Groups["s"].Value), "hashes/s");
        }
        else
        {
            report.Note("could not parse openssl speed sha256 output");
        }

        // "Doing 2048 bits sign rsa's for 3s: 11676 2048 bits private RSA's in 2.99s" / "... verify rsa's ...: N 2048 bits public RSA's in Ts"
        var rsa = RunTool(openssl, "speed", "-seconds", "3", "rsa2048");
        var sign = RsaDoing().Matches(rsa).FirstOrDefault(m => m.Groups["kind"].Value is "private" or "sign");
        var verify = RsaDoing().Matches(rsa).FirstOrDefault(m => m.Groups["kind"].Value is "public" or "verify");
        if (sign is not null)
        {
            report.Add("openssl.rsa2048_sign_per_sec", Rate(sign.Groups["n"].Value, sign.Groups["s"].Value), "signs/s");
        }

        if (verify is not null)
        {
            report.Add("openssl.rsa2048_verify_per_sec", Rate(verify.Groups["n"].Value, verify.Groups["s"].Value), "verifies/s");
        }
        else
        {
            report.Note("could not parse openssl speed rsa2048 output");
        }
    }

    private static double Rate(string count, string seconds) =>
        double.Parse(count, CultureInfo.InvariantCulture) / double.Parse(seconds, CultureInfo.InvariantCulture);

    private static string RunTool(string path, params string[] arguments)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
            throw new TimeoutException("openssl speed did not finish.");
        }

        return stdout.Result + "\n" + stderr.Result;
    }

    private static string? Find()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, "openssl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    [GeneratedRegex(@"Doing sha256 for \S+ on 80 size blocks: (?<n>\d+) sha256's in (?<s>[\d.]+)s")]
    private static partial Regex ShaDoing();

    [GeneratedRegex(@"Doing 2048 bits? (?<op>\w+) rsa's for \S+: (?<n>\d+) 2048 bits? (?<kind>\w+) RSA's in (?<s>[\d.]+)s", RegexOptions.IgnoreCase)]
    private static partial Regex RsaDoing();
}
