using System.Diagnostics;
using Chain.Core.Ledger;
using Chain.Core.Persistence;
using Chain.Network.Handshake;
using Chain.Network.Peers;
using Chain.Network.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Chain.Benchmarks.Support;

/// <summary>
/// A node wired as Chain.Node's Program.cs wires one, minus disk, wallet, miner and console: a dev ledger, a fresh
/// node key, a peer manager listening on 127.0.0.1 port 0 and the node protocol, all logging nowhere.
/// </summary>
internal sealed class InProcessNode : IAsyncDisposable
{
    private readonly NodeKey _key;

    private IDisposable[] _stores = [];

    private InProcessNode(NodeKey key, Blockchain chain, PeerManager peers, NodeProtocol protocol)
    {
        _key = key;
        Chain = chain;
        Peers = peers;
        Protocol = protocol;
    }

    public Blockchain Chain { get; }

    public PeerManager Peers { get; }

    public NodeProtocol Protocol { get; }

    public int Port => Peers.LocalEndPoint!.Port;

    /// <summary>
    /// Starts a node; with <paramref name="dataFolder"/> its ledger is on the node's own stores there (blocks.dat and
    /// chainstate/, as Chain.Node keeps them), else in memory.
    /// </summary>
    public static async Task<InProcessNode> StartAsync(IEnumerable<Block> preload, int mempoolCapacity = 200_000, NodeKey? key = null, string? dataFolder = null)
    {
        key ??= NodeKey.Generate();
        BlockStore? blocks = null;
        ChainStateStore? state = null;
        if (dataFolder is not null)
        {
            blocks = BlockStore.OpenFile(dataFolder);
            blocks.Recover(0, out _);
            state = new ChainStateStore(RocksDbKeyValueStore.Open(Path.Combine(dataFolder, ChainStateStore.FolderName)));
        }

        var chain = new Blockchain(Workload.Network, TimeProvider.System, blocks, mempoolCapacity, state);
        var refused = chain.Load(preload);
        if (refused != 0)
        {
            throw new InvalidOperationException($"{refused} preloaded blocks were refused.");
        }

        var options = new PeerManagerOptions
        {
            ListenAddress = "127.0.0.1",
            ListenPort = 0,
            MaxInbound = 64,
            MaxInboundPerAddress = 64,
            MaxInboundPerGroup = 64,
            PingInterval = TimeSpan.FromMinutes(10),
            IdleTimeout = TimeSpan.FromMinutes(20),
            CloseTimeout = TimeSpan.FromSeconds(1),
        };
        var peers = new PeerManager(Options.Create(options), key, Workload.Network, new LedgerStatusProvider(chain), TimeProvider.System, NullLogger<PeerManager>.Instance);
        var protocol = new NodeProtocol(chain, peers, TimeProvider.System, NullLogger<NodeProtocol>.Instance);
        await peers.StartAsync(CancellationToken.None);
        await protocol.StartAsync(CancellationToken.None);
        return new InProcessNode(key, chain, peers, protocol) { _stores = [.. new IDisposable?[] { state, blocks }.OfType<IDisposable>()] };
    }

    /// <summary>Dials <paramref name="other"/> and waits until both protocols track the connection.</summary>
    public async Task ConnectAsync(InProcessNode other, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await Peers.ConnectAsync("127.0.0.1", other.Port, cts.Token);
        await WaitUntilAsync(() => Peers.FindPeer(other.Peers.NodeId) is not null && other.Peers.FindPeer(Peers.NodeId) is not null, timeout, "connection");
    }

    /// <summary>Data, ping and other sealed frames received on all connections since they opened.</summary>
    public ulong FramesReceived()
    {
        ulong total = 0;
        foreach (var peer in Peers.Peers)
        {
            total += peer.FramesReceived;
        }

        return total;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Protocol.StopAsync(cts.Token);
        await Peers.StopAsync(cts.Token);
        Protocol.Dispose();
        Peers.Dispose();
        _key.Dispose();
        foreach (var store in _stores)
        {
            store.Dispose();
        }
    }
}
