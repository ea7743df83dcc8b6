using System.Globalization;
using System.Text;

namespace Chain.Node.Configuration;

/// <summary>The command-line switches: their configuration keys, defaults and help text.</summary>
public static class CommandLine
{
    /// <summary>One switch.</summary>
    public sealed record Option(string Switch, string Key, string Default, string Help, bool IsFlag = false);

    /// <summary>Every switch the node accepts.</summary>
    public static IReadOnlyList<Option> Options { get; } =
    [
        new("--config", ConfigKey, "./appsettings.json", "settings file to read instead of appsettings.json in the working folder (must exist)"),
        new("--port", "Node:Port", NodeOptions.DefaultPort.ToString(CultureInfo.InvariantCulture), "TCP port to listen on"),
        new("--bind", "Node:Bind", "0.0.0.0", "address to listen on"),
        new("--peers", "Node:Peers", "(none)", "neighbours to dial: host:port[@node-id][,host:port...]"),
        new("--data-dir", "Node:DataDir", "./data/<port>", "data folder (wallet.json, node.key, blocks.dat, chainstate/, pending.dat)"),
        new("--network", "Node:Network", "main", "network: main, dev (mines a block in milliseconds) or the path of a chain-spec file (README \"Your own network\")"),
        new("--mine", "Node:Mine", "false", "mine continuously from the start", IsFlag: true),
        new("--miner-threads", "Node:MinerThreads", "0 (one per core)", "threads the miner uses"),
        new("--import-key", "Node:ImportKey", "(none)", "create the wallet from this PKCS#8 PEM private key if the data folder has none"),
        new("--signer-key", "Node:SignerKey", "(the wallet's key)", "on proof of authority, seal with this PKCS#8 PEM private key (an authorised signer's); rewards still go to the wallet"),
        new("--rpc-port", "Node:RpcPort", "--port + 1000 (8070)", "TCP port of the JSON-RPC API (0: any free port)"),
        new("--rpc-bind", "Node:RpcBind", "127.0.0.1", "address of the JSON-RPC API (loopback unless --rpc-auth gives a user)"),
        new("--rpc-auth", "Node:RpcAuth", "(none)", "API users besides the cookie: user:salt$hash[,...] (chain-cli rpcauth <user> makes one)"),
        new("--no-rpc", "Node:NoRpc", "false", "run without the JSON-RPC API", IsFlag: true),
        new("--log-file", "Node:LogFile", "(none)", "append every log line to this file too (its folder must exist)"),
        new("--reindex", "Node:Reindex", "false", "rebuild the chain state and indexes from blocks.dat, validating every block", IsFlag: true),
        new("--block-cache", "Node:BlockCacheMiB", NodeOptions.DefaultBlockCacheMiB.ToString(CultureInfo.InvariantCulture), "MiB of recent block bodies kept in memory (older ones are read from blocks.dat)"),
        new("--state-cache", "Node:StateCacheMiB", NodeOptions.DefaultStateCacheMiB.ToString(CultureInfo.InvariantCulture), "MiB of accounts kept in memory in front of chainstate/ (others are read from it when needed)"),
        new("--wallet-passphrase-file", "Node:WalletPassphraseFile", "(none)", "file whose first line is the wallet passphrase (or set CHAIN_WALLET_PASSPHRASE)"),
    ];

    /// <summary>The switch that prints a network's chain spec and exits (alone with its value, not a setting).</summary>
    public const string PrintNetworkSwitch = "--print-network";

    /// <summary>The configuration key of <c>--config</c> (read before the other settings, not a setting of a section).</summary>
    public const string ConfigKey = "Config";

    /// <summary>The <c>--config</c> file in normalized <paramref name="args"/>, or null.</summary>
    public static string? ConfigFile(IReadOnlyList<string> args)
    {
        string? file = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                file = args[i]["--config=".Length..];
            }
            else if (args[i] == "--config" && i + 1 < args.Count)
            {
                file = args[++i];
            }
        }

        return file;
    }

    /// <summary>Switch-to-key mappings for the configuration's command-line provider.</summary>
    public static Dictionary<string, string> SwitchMappings => Options.ToDictionary(o => o.Switch, o => o.Key);

    /// <summary>
    /// Checks the arguments before the host sees them: unknown switches and missing values are errors
    /// (the configuration provider would silently ignore them). <c>--mine</c> alone means <c>--mine true</c>.
    /// Returns the arguments to give the provider, or an error message.
    /// </summary>
    public static (string[]? Args, string? Error) Normalize(IReadOnlyList<string> args)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var name = arg.Split('=', 2)[0];
            var option = Options.FirstOrDefault(o => o.Switch == name);
            if (option is null)
            {
                return (null, $"unknown option '{arg}' (see --help)");
            }

            if (arg.Contains('=', StringComparison.Ordinal))
            {
                result.Add(arg);
                continue;
            }

            var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            if (option.IsFlag)
            {
                result.Add(option.Switch);
                result.Add(hasValue ? args[++i] : "true");
            }
            else if (hasValue)
            {
                result.Add(option.Switch);
                result.Add(args[++i]);
            }
            else
            {
                return (null, $"option {option.Switch} needs a value (see --help)");
            }
        }

        return ([.. result], null);
    }

    /// <summary>
    /// Prefixes the configuration binder's "Failed to convert configuration value 'x' at 'Node:Port'" message with
    /// the switch of that key, so the message names the setting the way the user typed it.
    /// </summary>
    public static string DescribeConversionFailure(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, "value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'");
        if (!match.Success)
        {
            return message;
        }

        var key = match.Groups["key"].Value;
        var option = Options.FirstOrDefault(o => string.Equals(o.Key, key, StringComparison.OrdinalIgnoreCase));
        var setting = option is null ? key : $"{option.Switch} ({option.Key})";
        var type = match.Groups["type"].Value;
        var expected = type.Contains("Int", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
            : type.Contains("TimeSpan", StringComparison.Ordinal) ? "a time span such as 00:00:30"
            : "a " + type;
        return $"{setting}: '{match.Groups["value"].Value}' is not {expected}";
    }

    /// <summary>The text printed by <c>--help</c>.</summary>
    public static string HelpText()
    {
        var text = new StringBuilder();
        text.AppendLine("Chain node: a small peer-to-peer proof-of-work blockchain node.");
        text.AppendLine();
        text.AppendLine("usage: dotnet run --project src/Chain.Node -- [options]");
        text.AppendLine("       dotnet run --project src/Chain.Node -- testnet [--nodes 4] [--consensus poa|pow] [--dir ./testnet] [--base-port 7200]");
        text.AppendLine();
        text.AppendLine("options:");
        foreach (var o in Options)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {o.Switch,-26}{o.Help} (default: {o.Default})");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  {"--help",-26}print this help and exit");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {PrintNetworkSwitch + " <network>",-26}print the chain spec of main, dev or a spec file (checked) and exit: a template for your own");
        text.AppendLine();
        text.AppendLine("Settings may also come from appsettings.json (section \"Node\") and environment variables");
        text.AppendLine("CHAIN_NODE__<SETTING> (e.g. CHAIN_NODE__PORT=7071); the command line wins. Peer timeouts and caps");
        text.AppendLine("come from section \"Network\" or CHAIN_NETWORK__<SETTING> (e.g. CHAIN_NETWORK__IDLETIMEOUT=00:00:05).");
        text.AppendLine("The log level: section \"Logging:LogLevel\" (e.g. \"Default\": \"Debug\") or CHAIN_LOGGING__LOGLEVEL__DEFAULT=Debug.");
        text.AppendLine("Type 'help' at the node's console for its commands.");
        return text.ToString();
    }
}
