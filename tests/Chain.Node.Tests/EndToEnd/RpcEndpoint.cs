using System.Text.RegularExpressions;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>A node process's JSON-RPC endpoint and cookie secret, read from its log line and its data folder.</summary>
internal sealed partial record RpcEndpoint(string Endpoint, string Secret)
{
    /// <summary>Waits for <paramref name="node"/>'s "JSON-RPC API listening" line and reads the cookie in <paramref name="dataDir"/>.</summary>
    public static async Task<RpcEndpoint> OfAsync(NodeProcess node, string dataDir)
    {
        var endpoint = (await node.WaitForLogAsync(ListeningLine())).Groups["endpoint"].Value;
        var secret = (await File.ReadAllTextAsync(Path.Combine(dataDir, ".cookie"))).Split(':')[1].Trim();
        return new RpcEndpoint(endpoint, secret);
    }

    [GeneratedRegex(@"JSON-RPC API listening on (?<endpoint>[^\s]+) ")]
    private static partial Regex ListeningLine();
}
