namespace Chain.Node.Configuration;

/// <summary>The node's settings, bound from the <c>Node</c> configuration section (appsettings.json, CHAIN_ environment variables, command line).</summary>
public sealed class NodeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Node";

    /// <summary>Port used when none is given.</summary>
    public const int DefaultPort = 7070;

    /// <summary>TCP port to listen on.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>Address to listen on.</summary>
    public string Bind { get; set; } = "0.0.0.0";

    /// <summary>Neighbours to dial: <c>host:port</c> or <c>host:port@node-id</c>, comma-separated.</summary>
    public string Peers { get; set; } = string.Empty;

    /// <summary>Data folder; empty means <c>./data/&lt;port&gt;</c>.</summary>
    public string DataDir { get; set; } = string.Empty;

    /// <summary>The network: <c>main</c>, <c>dev</c> or the path of a chain-spec file (<see cref="NetworkSource"/>).</summary>
    public string Network { get; set; } = "main";

    /// <summary>Whether to mine continuously from the start.</summary>
    public bool Mine { get; set; }

    /// <summary>Miner threads; 0 means one per core.</summary>
    public int MinerThreads { get; set; }

    /// <summary>A PKCS#8 PEM private key to create the wallet from when the data folder has none.</summary>
    public string ImportKey { get; set; } = string.Empty;

    /// <summary>
    /// A PKCS#8 PEM private key that seals blocks on a proof-of-authority network instead of the wallet's key
    /// (<c>--signer-key</c>); empty to seal with the wallet's key. Rewards still go to the wallet.
    /// </summary>
    public string SignerKey { get; set; } = string.Empty;

    /// <summary>A file every log line is appended to as well as standard error (<c>--log-file</c>); empty for none.</summary>
    public string LogFile { get; set; } = string.Empty;

    /// <summary>A file whose first line is the wallet passphrase (the CHAIN_WALLET_PASSPHRASE variable is the other way).</summary>
    public string WalletPassphraseFile { get; set; } = string.Empty;

    /// <summary>Default of <see cref="BlockCacheMiB"/>.</summary>
    public const int DefaultBlockCacheMiB = 32;

    /// <summary>Rebuild the chain state and indexes from blocks.dat at start, validating every block (<c>--reindex</c>).</summary>
    public bool Reindex { get; set; }

    /// <summary>Encoded size of the recent block bodies kept in memory, in MiB (<c>--block-cache</c>).</summary>
    public int BlockCacheMiB { get; set; } = DefaultBlockCacheMiB;

    /// <summary>Default of <see cref="StateCacheMiB"/>.</summary>
    public const int DefaultStateCacheMiB = 64;

    /// <summary>Memory for the accounts kept in front of chainstate/, in MiB (<c>--state-cache</c>; about 11,000 accounts a MiB).</summary>
    public int StateCacheMiB { get; set; } = DefaultStateCacheMiB;

    /// <summary>What the API port defaults to: the peer port plus this (7070 gives 8070; port 0 gives 0, any free port).</summary>
    public const int RpcPortOffset = 1000;

    /// <summary>TCP port of the JSON-RPC API; null means <see cref="Port"/> + <see cref="RpcPortOffset"/>.</summary>
    public int? RpcPort { get; set; }

    /// <summary>Address the JSON-RPC API listens on; loopback only unless credentials are configured.</summary>
    public string RpcBind { get; set; } = "127.0.0.1";

    /// <summary>Configured API users, <c>user:salt$hash</c> each (bitcoind's rpcauth), comma-separated; empty: the cookie only.</summary>
    public string RpcAuth { get; set; } = string.Empty;

    /// <summary>The <see cref="RpcAuth"/> lines, one entry each.</summary>
    public IReadOnlyList<string> RpcAuthList => RpcAuth.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Whether to run without the JSON-RPC API.</summary>
    public bool NoRpc { get; set; }

    /// <summary>The API port actually used.</summary>
    public int ResolvedRpcPort => RpcPort ?? (Port == 0 ? 0 : Port + RpcPortOffset);

    /// <summary>The neighbours, one entry each.</summary>
    public IReadOnlyList<string> PeerList => Peers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The data folder actually used.</summary>
    public string ResolvedDataDir => string.IsNullOrWhiteSpace(DataDir) ? Path.Combine("data", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)) : DataDir;

    /// <summary>Miner threads actually used.</summary>
    public int ResolvedMinerThreads => MinerThreads > 0 ? MinerThreads : Environment.ProcessorCount;
}
