using System.Globalization;
using System.Security.Cryptography;
using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Specs;
using Chain.Node.Configuration;

namespace Chain.Node.Testnet;

/// <summary>
/// <c>testnet</c>: a local network in one command. Writes a chain spec, a key per node (the proof-of-authority
/// signers are those keys' addresses; each also gets a genesis allocation) and a data folder per node under one
/// folder; starts the nodes as child processes, each dialling the ones before it, mining or sealing; prints how to
/// reach each; stops them all together on Ctrl+C, SIGTERM or the end of standard input. Run again on the same
/// folder, it starts the same network again.
/// </summary>
public static class TestnetCommand
{
    /// <summary>The spec's file name in the testnet folder.</summary>
    public const string SpecFileName = "spec.json";

    /// <summary>Coins each node's wallet holds from genesis.</summary>
    public const long AllocationCoins = 1_000;

    /// <summary>Seconds between proof-of-authority blocks.</summary>
    public const int PoaPeriodSeconds = 2;

    /// <summary>Target seconds between proof-of-work blocks (retargeted every 10 from the easiest difficulty up).</summary>
    public const int PowBlockSeconds = 5;

    /// <summary>How long a node may take to stop after <c>quit</c> before it is killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    /// <summary>Runs the testnet until <paramref name="stop"/> or until a node stops on its own; returns the exit code.</summary>
    public static async Task<int> RunAsync(TestnetOptions options, TextWriter output, TextWriter error, CancellationToken stop)
    {
        var dir = Path.GetFullPath(options.Dir);
        Directory.CreateDirectory(dir);
        var specPath = Path.Combine(dir, SpecFileName);
        string[] keys;
        if (File.Exists(specPath))
        {
            if (Prepared(dir, specPath, options, out keys) is { } problem)
            {
                error.WriteLine($"error: {problem}");
                return 2;
            }

            output.WriteLine($"Starting the testnet in {dir} again ({SpecFileName} and keys as they are)");
        }
        else
        {
            keys = Prepare(dir, specPath, options);
            output.WriteLine($"Wrote {specPath} and {options.Nodes} keys ({options.Consensus})");
        }

        var network = NetworkSource.Resolve(specPath);
        var nodes = new List<TestnetNode>();
        try
        {
            var peers = new List<string>();
            for (var i = 1; i <= options.Nodes; i++)
            {
                var name = NodeName(i);
                var node = TestnetNode.Start(name, NodeArguments(dir, specPath, keys[i - 1], i, options.BasePort, peers));
                nodes.Add(node);
                var (endpoint, nodeId, rpc, explorer) = await node.WaitStartedAsync(stop);
                peers.Add($"{endpoint}@{nodeId}");
                var address = network.FormatAddress(Address.FromPublicKey(ReadPublicKey(keys[i - 1])));
                var rpcPort = rpc[(rpc.LastIndexOf(':') + 1)..];
                output.WriteLine($"{name}  pid={node.ProcessId}  peers={endpoint}  address={address}");
                output.WriteLine($"  cli:      dotnet run --project src/Chain.Cli -- --data-dir {Path.Combine(dir, name)} --rpc-port {rpcPort} status");
                output.WriteLine($"  explorer: {explorer}");
                output.WriteLine($"  log:      {Path.Combine(dir, name + ".log")}");
            }

            output.WriteLine($"{options.Nodes} nodes running on network {network.Name} ({network.Consensus.Engine}); Ctrl+C (or the end of standard input) stops them all");
            var exits = nodes.Select(n => n.WaitForExitAsync(CancellationToken.None)).ToList();
            var stopped = Task.Delay(Timeout.Infinite, stop);
            var first = await Task.WhenAny([stopped, .. exits]);
            if (first != stopped)
            {
                var died = nodes[exits.IndexOf(first)];
                error.WriteLine($"error: {died.Name} stopped on its own; stopping the others. Its last log lines:{Environment.NewLine}{died.Tail}");
                await StopAllAsync(nodes, output);
                return 1;
            }

            await StopAllAsync(nodes, output);
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await StopAllAsync(nodes, output);
            return 0;
        }
        catch (InvalidOperationException e)
        {
            error.WriteLine($"error: {e.Message}");
            await StopAllAsync(nodes, output);
            return 1;
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }
        }
    }

    private static string NodeName(int i) => "node" + i.ToString(CultureInfo.InvariantCulture);

    private static List<string> NodeArguments(string dir, string specPath, string key, int i, int basePort, IReadOnlyList<string> peers)
    {
        string Port(int offset) => basePort == 0 ? "0" : (basePort + offset + i).ToString(CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            "--network", specPath,
            "--data-dir", Path.Combine(dir, NodeName(i)),
            "--bind", "127.0.0.1",
            "--port", Port(0),
            "--rpc-port", Port(NodeOptions.RpcPortOffset),
            "--import-key", key,
            "--mine",
            "--miner-threads", "1",
            "--log-file", Path.Combine(dir, NodeName(i) + ".log"),
        };
        if (peers.Count > 0)
        {
            args.AddRange(["--peers", string.Join(',', peers)]);
        }

        return args;
    }

    private static async Task StopAllAsync(List<TestnetNode> nodes, TextWriter output)
    {
        var codes = await Task.WhenAll(nodes.Select(n => n.StopAsync(StopGrace)));
        output.WriteLine($"Stopped {nodes.Count} nodes (exit codes {string.Join(' ', codes)})");
    }

    // A new testnet: a key per node, then the spec naming their addresses.
    private static string[] Prepare(string dir, string specPath, TestnetOptions options)
    {
        var keys = new string[options.Nodes];
        var addresses = new List<Address>();
        for (var i = 1; i <= options.Nodes; i++)
        {
            using var rsa = RSA.Create(RsaPss.KeySizeBits);
            keys[i - 1] = Path.Combine(dir, NodeName(i) + ".pem");
            File.WriteAllText(keys[i - 1], rsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(keys[i - 1], UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            addresses.Add(Address.FromPublicKey(rsa.ExportSubjectPublicKeyInfo()));
        }

        var spec = Spec(options.Consensus, addresses);
        File.WriteAllText(specPath, ChainSpecFile.ToJson(spec));
        return keys;
    }

    // An existing testnet folder: its spec must load and match the options, and every node's key must be there.
    private static string? Prepared(string dir, string specPath, TestnetOptions options, out string[] keys)
    {
        keys = [.. Enumerable.Range(1, options.Nodes).Select(i => Path.Combine(dir, NodeName(i) + ".pem"))];
        if (NetworkSource.TryResolve(specPath, out var errors) is not { } network)
        {
            return string.Join(Environment.NewLine + "error: ", errors);
        }

        if (network.Consensus.Engine != options.Consensus)
        {
            return $"--consensus: {dir} holds a {network.Consensus.Engine} testnet; give --consensus {network.Consensus.Engine}, or another --dir";
        }

        return keys.FirstOrDefault(k => !File.Exists(k)) is { } missing
            ? $"--nodes: {dir} has no key {Path.GetFileName(missing)}: it was made with fewer nodes; give fewer --nodes, or another --dir"
            : null;
    }

    /// <summary>The testnet's spec: dev-like rules of its own name, magic and prefix, each address funded, and the consensus asked for.</summary>
    public static ChainSpec Spec(string consensus, IReadOnlyList<Address> addresses)
    {
        const string prefix = "test";
        var spec = NetworkParameters.Dev.ToSpec();
        spec.Name = "testnet";
        spec.Magic = "0x74657374";
        spec.AddressPrefix = prefix;
        spec.Genesis!.Allocations = [.. addresses.Select(a => new ChainSpecAllocation { Address = a.ToText(prefix), Amount = AllocationCoins * Money.UnitsPerCoin })];
        spec.Consensus = consensus == PoaParameters.Name
            ? new ChainSpecConsensus { Engine = PoaParameters.Name, Signers = [.. addresses.Select(a => a.ToText(prefix))], PeriodSeconds = PoaPeriodSeconds, Epoch = 30_000 }
            : new ChainSpecConsensus { Engine = PowParameters.Name, PowLimitBits = "0x1f00ffff", TargetBlockSeconds = PowBlockSeconds, RetargetInterval = 10 };
        return spec;
    }

    private static byte[] ReadPublicKey(string pemFile)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(pemFile));
        return rsa.ExportSubjectPublicKeyInfo();
    }
}
