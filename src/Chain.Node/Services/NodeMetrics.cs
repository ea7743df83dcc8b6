using System.Diagnostics.Metrics;
using Chain.Core.Ledger;
using Chain.Core.Mining;
using Chain.Network.Peers;

namespace Chain.Node.Services;

/// <summary>
/// The node's own instruments, on the meter <see cref="MeterName"/>: gauges read when a listener collects (height,
/// peers, mempool, hash rate) and the API's requests by method and outcome. The ledger and the peer layer count
/// what happens in them on their own meters (<see cref="LedgerMetrics"/>, <see cref="NetworkMetrics"/>).
/// </summary>
public sealed class NodeMetrics
{
    /// <summary>The meter's name, the node's.</summary>
    public const string MeterName = "Chain.Node";

    /// <summary>Every meter of the node's process, for exporters and <c>dotnet-counters</c>.</summary>
    public static readonly IReadOnlyList<string> AllMeters = [MeterName, LedgerMetrics.MeterName, NetworkMetrics.MeterName];

    private readonly Counter<long> _rpcRequests;

    /// <summary>Creates the instruments on a meter of <paramref name="meters"/>.</summary>
    public NodeMetrics(IMeterFactory meters, Blockchain chain, PeerManager peers, Miner miner)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("chain.height", () => (long)chain.Tip.Height, "{block}", "Height of the best chain's tip");
        meter.CreateObservableGauge(
            "chain.peers",
            () =>
            {
                var connected = peers.Peers;
                var inbound = connected.Count(p => p.IsInbound);
                return new[]
                {
                    new Measurement<int>(inbound, new KeyValuePair<string, object?>("direction", "inbound")),
                    new Measurement<int>(connected.Count - inbound, new KeyValuePair<string, object?>("direction", "outbound")),
                };
            },
            "{peer}",
            "Connected peers, by direction");
        meter.CreateObservableGauge("chain.mempool.transactions", () => chain.MempoolCount, "{transaction}", "Transactions waiting in the mempool");
        meter.CreateObservableGauge("chain.mempool.bytes", () => chain.MempoolBytes, "By", "Bytes of the mempool's transactions in their encoding");
        meter.CreateObservableGauge("chain.mining.hashrate", () => miner.HashRate, "{hash}/s", "Hashes a second over the last 10 s (0 when not mining)");
        _rpcRequests = meter.CreateCounter<long>("chain.rpc.requests", "{request}", "JSON-RPC requests, by method and outcome (ok or the error code)");
    }

    /// <summary>Counts one API request of <paramref name="method"/> that ended with <paramref name="outcome"/> (<c>ok</c> or the JSON-RPC error code).</summary>
    public void RpcRequest(string method, string outcome) =>
        _rpcRequests.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("outcome", outcome));
}
