using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>The node's metrics at <c>/metrics</c> (Prometheus text, OpenTelemetry's exporter): authenticated as the API, and moving with the node.</summary>
public sealed partial class MetricsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Metrics_MineAndCall_HeightBlocksAndRequestsMove()
    {
        await using var node = await NodeProcess.StartAsync("metrics", _folder.Combine("n"));
        var api = await RpcEndpoint.OfAsync(node, _folder.Combine("n"));
        using var client = new HttpClient { BaseAddress = new Uri($"http://{api.Endpoint}/"), Timeout = NodeProcess.Timeout };
        using (var refused = await client.GetAsync("metrics"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.Secret);
        var before = await ScrapeAsync(client);
        Assert.Equal(0, Value(before, "chain_height"));
        Assert.Equal(0, Value(before, "chain_peers", "direction=\"inbound\""));
        Assert.Equal(0, Value(before, "chain_mempool_transactions"));

        Assert.Equal(3, (await node.CommandAsync("mine 3")).Count);
        var address = await node.AskAsync("address");
        using (var send = await client.PostAsync(string.Empty, new StringContent($$"""{"jsonrpc":"2.0","id":1,"method":"send","params":["{{address}}","1"]}""")))
        {
            Assert.Equal(HttpStatusCode.OK, send.StatusCode);
        }

        using (var bad = await client.PostAsync(string.Empty, new StringContent("""{"jsonrpc":"2.0","id":1,"method":"balance","params":["xyz"]}""")))
        {
            Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        }

        var after = await ScrapeAsync(client);
        Assert.Equal(3, Value(after, "chain_height"));
        Assert.Equal(3, Value(after, "chain_ledger_blocks_total", "outcome=\"accepted\""));
        Assert.Equal(1, Value(after, "chain_mempool_transactions"));
        Assert.InRange(Value(after, "chain_mempool_bytes"), 500, 1000);
        Assert.Equal(1, Value(after, "chain_ledger_transactions_total", "outcome=\"accepted\""));
        Assert.Equal(1, Value(after, "chain_rpc_requests_total", "method=\"send\"", "outcome=\"ok\""));
        Assert.Equal(1, Value(after, "chain_rpc_requests_total", "method=\"balance\"", "outcome=\"-32602\""));
        Assert.True(Value(after, "chain_ledger_transaction_verification_duration_seconds_count") >= 1);

        // The histograms have buckets in seconds: every one of the three blocks validated within 10 s, and the
        // exporter's default millisecond boundaries (5, 10, ... 10000) are not used.
        Assert.Equal(3, Value(after, "chain_ledger_block_validation_duration_seconds_bucket", "le=\"10\""));
        Assert.Equal(3, Value(after, "chain_ledger_block_validation_duration_seconds_bucket", "le=\"+Inf\""));
        Assert.DoesNotContain(after, s => s.Name == "chain_ledger_block_validation_duration_seconds_bucket" && s.Labels.Contains("le=\"10000\"", StringComparison.Ordinal));
        Assert.Contains(after, s => s.Name == "chain_ledger_transaction_verification_duration_seconds_bucket" && s.Labels.Contains("le=\"1E-05\"", StringComparison.Ordinal));
    }

    private static async Task<IReadOnlyList<(string Name, string Labels, double Value)>> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var samples = new List<(string, string, double)>();
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
        {
            var match = Sample().Match(line);
            if (match.Success)
            {
                samples.Add((match.Groups["name"].Value, match.Groups["labels"].Value, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
            }
        }

        return samples;
    }

    // The one sample of that name whose labels include every one given.
    private static double Value(IReadOnlyList<(string Name, string Labels, double Value)> samples, string name, params string[] labels)
    {
        var found = samples.Where(s => s.Name == name && labels.All(l => s.Labels.Contains(l, StringComparison.Ordinal))).ToList();
        Assert.True(found.Count == 1, $"{found.Count} samples of {name} {string.Join(',', labels)} in: {string.Join(" | ", samples.Where(s => s.Name.StartsWith("chain", StringComparison.Ordinal)).Select(s => $"{s.Name}{{{s.Labels}}} {s.Value}"))}");
        return found[0].Value;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN)(?: \d+)?$")]
    private static partial Regex Sample();
}
