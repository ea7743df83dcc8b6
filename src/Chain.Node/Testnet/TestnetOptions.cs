using System.Globalization;
using Chain.Core.Consensus;

namespace Chain.Node.Testnet;

/// <summary>The <c>testnet</c> command's options: how many nodes, which consensus, where, and on which ports.</summary>
public sealed record TestnetOptions(int Nodes, string Consensus, string Dir, int BasePort)
{
    /// <summary>The command's name, the first argument.</summary>
    public const string Command = "testnet";

    /// <summary>Most nodes one testnet starts.</summary>
    public const int MaxNodes = 16;

    /// <summary>Default of <c>--base-port</c>: node i listens on base + i, its API on base + i + 1000.</summary>
    public const int DefaultBasePort = 7200;

    /// <summary>The usage line.</summary>
    public const string Usage = "usage: dotnet run --project src/Chain.Node -- testnet [--nodes 4] [--consensus poa|pow] [--dir ./testnet] [--base-port 7200 (0: any free ports)]";

    /// <summary>Parses the arguments after <c>testnet</c>; null with an error naming the option otherwise.</summary>
    public static TestnetOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var (nodes, consensus, dir, basePort) = (4, PoaParameters.Name, "testnet", DefaultBasePort);
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h")
            {
                error = Usage;
                return null;
            }

            if (i + 1 >= args.Count)
            {
                error = $"{name}: needs a value ({Usage})";
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--nodes" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxNodes:
                    nodes = n;
                    break;
                case "--nodes":
                    error = $"--nodes: '{value}' is not a number of nodes from 1 to {MaxNodes}";
                    return null;
                case "--consensus" when value is PoaParameters.Name or PowParameters.Name:
                    consensus = value;
                    break;
                case "--consensus":
                    error = $"--consensus: '{value}' is not {PoaParameters.Name} or {PowParameters.Name}";
                    return null;
                case "--dir" when value.Length > 0:
                    dir = value;
                    break;
                case "--base-port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && (p == 0 || (p >= 1 && p + MaxNodes + 1000 <= 65535)):
                    basePort = p;
                    break;
                case "--base-port":
                    error = $"--base-port: '{value}' is not 0 (any free ports) or a port from 1 to {65535 - MaxNodes - 1000}";
                    return null;
                default:
                    error = $"unknown option '{name}' ({Usage})";
                    return null;
            }
        }

        return new TestnetOptions(nodes, consensus, dir, basePort);
    }
}
