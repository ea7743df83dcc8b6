using Chain.Node.Configuration;

namespace Chain.Node.Tests.Configuration;

public sealed class NodeOptionsValidatorTests
{
    private static readonly NodeOptionsValidator Validator = new();

    [Fact]
    public void Validate_Defaults_SucceedOnPort7070Main()
    {
        var options = new NodeOptions();
        Assert.True(Validator.Validate(null, options).Succeeded);
        Assert.Equal(7070, options.Port);
        Assert.Equal("main", options.Network);
        Assert.Equal(Path.Combine("data", "7070"), options.ResolvedDataDir);
        Assert.Equal(Environment.ProcessorCount, options.ResolvedMinerThreads);
    }

    [Fact]
    public void Validate_GoodSettings_Succeed()
    {
        var options = new NodeOptions
        {
            Port = 0,
            DataDir = "some-folder",
            Bind = "::",
            Network = "DEV",
            MinerThreads = NodeOptionsValidator.MaxMinerThreads,
            Peers = "127.0.0.1:7100, example.org:7101@" + new string('a', 64),
        };
        var result = Validator.Validate(null, options);
        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(["127.0.0.1:7100", "example.org:7101@" + new string('a', 64)], options.PeerList);
    }

    [Fact]
    public void Validate_NonLoopbackRpcBindWithAUser_Succeeds()
    {
        var options = new NodeOptions { RpcBind = "0.0.0.0", RpcAuth = Chain.Node.Rpc.RpcUser.Create("alice").Line + "," + Chain.Node.Rpc.RpcUser.Create("bob").Line };
        var result = Validator.Validate(null, options);
        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(2, options.RpcAuthList.Count);
    }

    public static TheoryData<Action<NodeOptions>, string> BadSettings => new()
    {
        { o => o.RpcBind = "0.0.0.0", "--rpc-bind (Node:RpcBind): 0.0.0.0 is not a loopback address, and no user is configured; give --rpc-auth (Node:RpcAuth)" },
        { o => o.RpcAuth = "alice", "--rpc-auth (Node:RpcAuth): 'alice' is not user:salt$hash" },
        { o => o.Port = -1, "--port (Node:Port)" },
        { o => o.Port = 65536, "--port (Node:Port)" },
        { o => o.Bind = "localhost", "--bind (Node:Bind)" },
        { o => o.Network = "testnet", "--network (Node:Network): unknown network 'testnet'" },
        { o => o.MinerThreads = -1, "--miner-threads (Node:MinerThreads)" },
        { o => o.MinerThreads = NodeOptionsValidator.MaxMinerThreads + 1, "--miner-threads (Node:MinerThreads)" },
        { o => o.Peers = "127.0.0.1", "--peers (Node:Peers): '127.0.0.1'" },
        { o => o.Peers = "a:1,b:notaport", "--peers (Node:Peers): 'b:notaport'" },
        { o => o.Peers = "a:70000", "--peers (Node:Peers): 'a:70000'" },
        { o => o.ImportKey = "/no/such/key.pem", "--import-key (Node:ImportKey)" },
        { o => o.SignerKey = "/no/such/key.pem", "--signer-key (Node:SignerKey): file '/no/such/key.pem' not found" },
        { o => o.SignerKey = NotAKeyFile(), "--signer-key (Node:SignerKey): " },
        { o => o.WalletPassphraseFile = "/no/such/file", "--wallet-passphrase-file (Node:WalletPassphraseFile)" },
        { o => o.StateCacheMiB = -1, "--state-cache (Node:StateCacheMiB): -1 is not between 0 and 65536 MiB" },
        { o => o.StateCacheMiB = NodeOptionsValidator.MaxStateCacheMiB + 1, "--state-cache (Node:StateCacheMiB)" },
    };

    // A file that exists but holds no private key.
    private static string NotAKeyFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"chain-not-a-key-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, "not a key\n");
        return path;
    }

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Validate_BadSetting_FailureNamesSwitchAndKey(Action<NodeOptions> configure, string expected)
    {
        var options = new NodeOptions();
        configure(options);
        var result = Validator.Validate(null, options);
        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralBadSettings_EveryOneReported()
    {
        var options = new NodeOptions { Port = -5, Network = "x", Peers = "nohost" };
        var result = Validator.Validate(null, options);
        Assert.Equal(3, result.Failures!.Count());
    }
}
