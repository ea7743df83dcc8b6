using System.Net;
using System.Net.Sockets;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>Starting the node binary: <c>--help</c>, defaults, configuration precedence, and settings that stop it with a message naming them.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Help_ExitsZero_ListsEverySwitchWithItsDefault()
    {
        var (code, output, _) = await NodeProcess.RunToExitAsync(["--help"], workingDirectory: _folder.Path);
        Assert.Equal(0, code);
        string[] switches = ["--port", "--peers", "--data-dir", "--network", "--mine", "--miner-threads", "--bind", "--import-key", "--wallet-passphrase-file", "--help"];
        var lines = output.Split('\n');
        foreach (var name in switches)
        {
            Assert.Contains(lines, line => line.TrimStart().StartsWith(name + " ", StringComparison.Ordinal));
        }

        Assert.Contains(lines, line => line.TrimStart().StartsWith("--port ", StringComparison.Ordinal) && line.Contains("(default: 7070)", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.TrimStart().StartsWith("--network ", StringComparison.Ordinal) && line.Contains("(default: main)", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.TrimStart().StartsWith("--data-dir ", StringComparison.Ordinal) && line.Contains("(default: ./data/<port>)", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "data")), "--help must not create a data folder");
    }

    public static TheoryData<string[], string> BadSettings => new()
    {
        { ["--frobnicate"], "--frobnicate" },
        { ["stray"], "'stray'" },
        { ["--port"], "--port" },
        { ["--port", "abc"], "--port" },
        { ["--port", "70000"], "--port" },
        { ["--network", "testnet"], "--network" },
        { ["--peers", "127.0.0.1"], "--peers" },
        { ["--peers", "127.0.0.1:7000,bad:port"], "--peers" },
        { ["--peers", "127.0.0.1:0"], "--peers" },
        { ["--bind", "localhost-ish"], "--bind" },
        { ["--miner-threads", "-3"], "--miner-threads" },
        { ["--mine", "sometimes"], "--mine" },
        { ["--import-key", "/no/such/key.pem"], "--import-key" },
        { ["--wallet-passphrase-file", "/no/such/passphrase"], "--wallet-passphrase-file" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task BadSetting_ExitsNonZero_MessageNamesTheSetting(string[] args, string named)
    {
        var data = _folder.Combine("data-" + Guid.NewGuid().ToString("N"));
        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", "dev", "--data-dir", data, .. args], workingDirectory: _folder.Path);
        Assert.NotEqual(0, code);
        Assert.Contains("error: ", error, StringComparison.Ordinal);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortInUse_ExitsNonZero_MessageNamesThePort()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", "dev", "--bind", "127.0.0.1", "--port", port, "--data-dir", _folder.Combine("busy")], workingDirectory: _folder.Path);
        Assert.NotEqual(0, code);
        Assert.Contains($"error: --port (Node:Port)", error, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.Combine("busy")), "the port is tried before wallet.json and node.key are written");
    }

    [Fact]
    public async Task PortNotANumber_OneLineNamingTheSettingAndWhatItNeeds()
    {
        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", "dev", "--data-dir", _folder.Combine("abc"), "--port", "abc"], workingDirectory: _folder.Path);
        Assert.Equal(2, code);
        Assert.Equal("error: --port (Node:Port): 'abc' is not a whole number", error.Trim());
    }

    [Fact]
    public async Task PortZeroWithoutDataDir_Refused_NoDataFolder()
    {
        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", "dev", "--port", "0"], workingDirectory: _folder.Path);
        Assert.Equal(2, code);
        Assert.Contains("error: --data-dir (Node:DataDir): required with --port 0", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.Combine("data")));
    }

    [Fact]
    public async Task UnknownSettings_EnvironmentAndSettingsFile_WarnedWithTheirSource()
    {
        var config = _folder.Combine("node.json");
        await File.WriteAllTextAsync(config, """{ "Node": { "Prot": 7071 }, "Nodes": { "Port": 1 } }""");
        await using var node = await NodeProcess.StartAsync("unknown", _folder.Combine("unknown"), ["--config", config], new Dictionary<string, string> { ["CHAIN_NETWORK__IDLETIMEOUTS"] = "00:00:05" });
        await node.WaitForLogAsync(new System.Text.RegularExpressions.Regex(@"Unknown setting NETWORK:IDLETIMEOUTS \(environment variable CHAIN_NETWORK__IDLETIMEOUTS\)"));
        await node.WaitForLogAsync(new System.Text.RegularExpressions.Regex(@"Unknown setting Node:Prot \(.*node\.json\)"));
        await node.WaitForLogAsync(new System.Text.RegularExpressions.Regex(@"Unknown setting Nodes:Port "));
        Assert.Equal(0, await node.QuitAsync());
    }

    [Fact]
    public async Task ConfigSwitch_ReadsThatFileInsteadOfAppsettings_MissingFileRefused()
    {
        await File.WriteAllTextAsync(_folder.Combine("appsettings.json"), """{ "Node": { "Network": "from-appsettings" } }""");
        var config = _folder.Combine("other.json");
        await File.WriteAllTextAsync(config, """{ "Node": { "Network": "from-config" } }""");
        var (_, _, error) = await NodeProcess.RunToExitAsync(["--config", config, "--data-dir", _folder.Combine("cfg")], workingDirectory: _folder.Path);
        Assert.Contains("unknown network 'from-config'", error, StringComparison.Ordinal);

        var (code, _, missing) = await NodeProcess.RunToExitAsync(["--config", _folder.Combine("none.json")], workingDirectory: _folder.Path);
        Assert.Equal(2, code);
        Assert.Contains("error: --config: file", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataFolderInUseOrOfAnotherNetwork_ExitsNonZero_MessageNamesDataDir()
    {
        var data = _folder.Combine("shared");
        await using (var first = await NodeProcess.StartAsync("first", data))
        {
            var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", "dev", "--port", "0", "--bind", "127.0.0.1", "--data-dir", data], workingDirectory: _folder.Path);
            Assert.NotEqual(0, code);
            Assert.Contains("error: --data-dir (Node:DataDir)", error, StringComparison.Ordinal);
            Assert.Matches(@"^height=0 ", await first.AskAsync("status"));
            Assert.Equal(0, await first.QuitAsync());
        }

        var (mainCode, _, mainError) = await NodeProcess.RunToExitAsync(["--network", "main", "--port", "0", "--bind", "127.0.0.1", "--data-dir", data], workingDirectory: _folder.Path);
        Assert.NotEqual(0, mainCode);
        Assert.Contains("error: --data-dir (Node:DataDir)", mainError, StringComparison.Ordinal);
        Assert.Contains("'dev' network", mainError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configuration_AppsettingsThenChainEnvironmentThenCommandLine_LaterWins()
    {
        // An unknown network stops the node with its name: a cheap way to see which source won.
        await File.WriteAllTextAsync(_folder.Combine("appsettings.json"), """{ "Node": { "Network": "from-json", "DataDir": "d" } }""");
        var (_, _, error) = await NodeProcess.RunToExitAsync([], new Dictionary<string, string> { ["Node__Network"] = "unprefixed" }, _folder.Path);
        Assert.Contains("unknown network 'from-json'", error, StringComparison.Ordinal);

        var environment = new Dictionary<string, string> { ["CHAIN_NODE__NETWORK"] = "from-env" };
        (_, _, error) = await NodeProcess.RunToExitAsync([], environment, _folder.Path);
        Assert.Contains("unknown network 'from-env'", error, StringComparison.Ordinal);

        (_, _, error) = await NodeProcess.RunToExitAsync(["--network", "from-cli"], environment, _folder.Path);
        Assert.Contains("unknown network 'from-cli'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeerSettings_FromChainNetworkEnvironment_AreBoundAndChecked()
    {
        // A ping interval longer than the idle timeout is refused: the values from the environment reached the peer layer.
        var environment = new Dictionary<string, string> { ["CHAIN_NETWORK__IDLETIMEOUT"] = "00:00:05", ["CHAIN_NETWORK__PINGINTERVAL"] = "00:00:06" };
        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", "dev", "--port", "0", "--bind", "127.0.0.1", "--data-dir", _folder.Combine("net")], environment, _folder.Path);
        Assert.NotEqual(0, code);
        Assert.Contains("error: Network:PingInterval must be shorter than IdleTimeout", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedAppsettings_ExitsNonZero_MessageNamesTheFile()
    {
        await File.WriteAllTextAsync(_folder.Combine("appsettings.json"), """{ "Node": { "Port": """);
        var (code, _, error) = await NodeProcess.RunToExitAsync([], workingDirectory: _folder.Path);
        Assert.NotEqual(0, code);
        Assert.Contains("error: ", error, StringComparison.Ordinal);
        Assert.Contains("appsettings.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoOptions_StartsOnPort7070MainNetworkDataFolderUnderWorkingFolder()
    {
        // Only meaningful when 7070 is free here; another node on this machine may hold it.
        try
        {
            using var probe = new TcpListener(IPAddress.Any, 7070);
            probe.Start();
        }
        catch (SocketException)
        {
            return;
        }

        await using var node = NodeProcess.Launch("default", [], workingDirectory: _folder.Path);
        try
        {
            await node.WaitForLogAsync(new System.Text.RegularExpressions.Regex(@"Listening for peers on 0\.0\.0\.0:7070 as node"));
        }
        catch (InvalidOperationException) when (node.Log.Contains("cannot listen on", StringComparison.Ordinal))
        {
            return; // Taken between the probe and the start.
        }

        Assert.Matches(@"^height=0 ", await node.AskAsync("status"));
        Assert.Equal(0, await node.QuitAsync());
        Assert.Equal(["main", Chain.Core.Ledger.NetworkParameters.Main.GenesisHash.ToString()], File.ReadAllLines(_folder.Combine("data", "7070", "network")));
    }
}
