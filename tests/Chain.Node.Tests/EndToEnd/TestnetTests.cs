using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Chain.Node.Testnet;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>
/// <c>testnet</c> as a process: it starts its nodes connected and producing blocks (proof of work or of authority),
/// prints commands that reach each, and stops them all when its standard input ends.
/// </summary>
public sealed partial class TestnetTests : IDisposable
{
    private const string CliPrefix = "dotnet run --project src/Chain.Cli -- ";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("pow")]
    [InlineData("poa")]
    public async Task Testnet_ThreeNodes_ReachACommonChainAndStopTogether(string consensus)
    {
        var dir = _folder.Combine("net");
        await using var testnet = NodeProcess.Launch("testnet", ["testnet", "--nodes", "3", "--consensus", consensus, "--dir", dir, "--base-port", "0"], workingDirectory: _folder.Path);
        var pids = new List<int>();
        var cli = new List<string[]>();
        for (var line = await testnet.ReadOutputLineAsync(); !line.Contains("nodes running", StringComparison.Ordinal); line = await testnet.ReadOutputLineAsync())
        {
            if (PidField().Match(line) is { Success: true } pid)
            {
                pids.Add(int.Parse(pid.Groups[1].Value, CultureInfo.InvariantCulture));
            }
            else if (line.TrimStart().StartsWith("cli:", StringComparison.Ordinal))
            {
                var command = line.TrimStart()["cli:".Length..].Trim();
                Assert.StartsWith(CliPrefix, command, StringComparison.Ordinal);
                cli.Add(command[CliPrefix.Length..].Split(' ')[..^1]); // without the trailing "status"
            }
        }

        Assert.Equal(3, pids.Count);
        Assert.Equal(3, cli.Count);

        // Every node past height 3 and all agreeing on block 3: connected, and producing blocks.
        await NodeProcess.WaitUntilAsync(async () =>
        {
            var hashes = new HashSet<string>();
            foreach (var node in cli)
            {
                var (code, output, _) = await CliProcess.RunAsync([.. node, "header", "3"]);
                if (code != 0)
                {
                    return false;
                }

                hashes.Add(output.Split('\n')[0]);
            }

            return hashes.Count == 1;
        }, "the three nodes to agree on block 3", testnet);
        Assert.True(File.Exists(Path.Combine(dir, TestnetCommand.SpecFileName)));

        testnet.CloseInput();

        Assert.Equal(0, await testnet.WaitForExitAsync());
        foreach (var pid in pids)
        {
            Assert.False(IsRunning(pid), $"node process {pid} outlived the testnet");
        }
    }

    [Theory]
    [InlineData(new[] { "--nodes", "0" }, "--nodes: '0'")]
    [InlineData(new[] { "--consensus", "pos" }, "--consensus: 'pos'")]
    [InlineData(new[] { "--base-port", "65000" }, "--base-port: '65000'")]
    [InlineData(new[] { "--color", "red" }, "unknown option '--color'")]
    [InlineData(new[] { "--nodes" }, "--nodes: needs a value")]
    public void Parse_BadOption_RefusedNamingIt(string[] args, string expected)
    {
        Assert.Null(TestnetOptions.Parse(args, out var error));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Defaults_FourPoaNodesOnPort7200()
    {
        Assert.Equal(new TestnetOptions(4, "poa", "testnet", 7200), TestnetOptions.Parse([], out _));
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^node\d+\s+pid=(\d+)")]
    private static partial Regex PidField();
}
