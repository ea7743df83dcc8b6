using System.Globalization;
using Chain.Node.Configuration;

namespace Chain.Cli;

/// <summary>The client's own switches (before the command) and the command line it sends.</summary>
public sealed record CliOptions(string DataDir, string Host, int RpcPort, bool Json, string CommandLine, string? RpcUser = null)
{
    /// <summary>The environment variable holding the password of <c>--rpc-user</c> (never a switch: it would show in the process list).</summary>
    public const string PasswordVariable = "CHAIN_RPC_PASSWORD";

    /// <summary>The data folder read for the cookie when none is given (the node's default for port 7070).</summary>
    public static readonly string DefaultDataDir = Path.Combine("data", NodeOptions.DefaultPort.ToString(CultureInfo.InvariantCulture));

    /// <summary>The API port when none is given (the node's default).</summary>
    public const int DefaultRpcPort = NodeOptions.DefaultPort + NodeOptions.RpcPortOffset;

    /// <summary>The help text.</summary>
    public const string Usage = """
        usage: chain-cli [--data-dir <folder>] [--rpc-port <n>] [--rpc-host <ip>] [--rpc-user <name>] [--json] <command> [arguments...]
               chain-cli rpcauth <user>

        Sends one console command to a running node's JSON-RPC API and prints the console's answer.
          --data-dir <folder>   the node's data folder, where its .cookie is (default: data/7070)
          --rpc-port <n>        the node's API port (default: 8070, the default node's)
          --rpc-host <ip>       the node's API address (default: 127.0.0.1)
          --rpc-user <name>     authenticate as a user of the node's --rpc-auth, the password from CHAIN_RPC_PASSWORD,
                                instead of the cookie
          --json                print the JSON result instead of the console's text
        rpcauth <user> prints a line for the node's --rpc-auth (Node:RpcAuth) and a new random password for it.
        Exit codes: 0 answered, 1 the node answered an error, 2 bad usage or no cookie, 3 node unreachable.
        """;

    /// <summary>Reads <paramref name="args"/>; null and a message when they are wrong.</summary>
    public static (CliOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var dataDir = DefaultDataDir;
        var host = "127.0.0.1";
        var port = DefaultRpcPort;
        var json = false;
        string? user = null;
        var i = 0;
        for (; i < args.Count && args[i].StartsWith("--", StringComparison.Ordinal); i++)
        {
            switch (args[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--data-dir" when i + 1 < args.Count:
                    dataDir = args[++i];
                    break;
                case "--rpc-user" when i + 1 < args.Count:
                    user = args[++i];
                    break;
                case "--rpc-host" when i + 1 < args.Count:
                    host = args[++i];
                    break;
                case "--rpc-port" when i + 1 < args.Count:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
                    {
                        return (null, $"--rpc-port: '{args[i]}' is not a port number (1-65535)");
                    }

                    break;
                default:
                    return (null, $"unknown option or missing value: '{args[i]}'");
            }
        }

        return i == args.Count
            ? (null, "no command given")
            : (new CliOptions(dataDir, host, port, json, string.Join(' ', args.Skip(i)), user), null);
    }
}
