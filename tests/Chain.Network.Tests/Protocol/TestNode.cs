using System.Collections.Concurrent;
using System.Net;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Network.Handshake;
using Chain.Network.Peers;
using Chain.Network.Protocol;
using Microsoft.Extensions.Logging;

namespace Chain.Network.Tests.Protocol;

/// <summary>
/// A whole node in process: a dev-network ledger, a node key, a peer manager on 127.0.0.1 port 0 and the
/// message protocol, started and stopped directly. Every await is bounded by <see cref="TestSupport.Timeout"/>
/// unless a longer one is passed.
/// </summary>
internal sealed class TestNode : IAsyncDisposable
{
    // RSA-2048 generation is slow, so keys are reused, but never while another holder still has them: a node that
    // discouraged one test peer refuses every later holder of its key, and a node handed its own key talks to itself.
    // (Round robin over 16 keys did both when a test running in parallel took 16 keys meanwhile.) A returned key waits
    // behind KeyReserve others, so a test that let a punished peer go does not meet its key again either.
    private const int KeyReserve = 16;
    private static readonly ConcurrentQueue<NodeKey> FreeKeys = new();

    private bool _stopped;

    private TestNode(string name, Blockchain chain, NodeKey key, PeerManager peers, NodeProtocol protocol)
    {
        Name = name;
        Chain = chain;
        Key = key;
        Peers = peers;
        Protocol = protocol;
    }

    public string Name { get; }

    public Blockchain Chain { get; }

    public NodeKey Key { get; }

    public PeerManager Peers { get; }

    public NodeProtocol Protocol { get; }

    public string NodeId => Key.NodeId;

    public IPEndPoint EndPoint => Peers.LocalEndPoint!;

    /// <summary>The address this node's test blocks pay (one per node, so coinbases differ between nodes).</summary>
    public Address MinerAddress => new(Hash256.Compute(System.Text.Encoding.UTF8.GetBytes("miner " + Name)).ToArray().AsSpan(0, Address.Size));

    /// <summary>A key no other live node or test peer holds; give it back with <see cref="ReturnKey"/>.</summary>
    public static NodeKey RentKey() => FreeKeys.Count > KeyReserve && FreeKeys.TryDequeue(out var key) ? key : NodeKey.Generate();

    /// <summary>Gives back a key from <see cref="RentKey"/> once its holder is stopped.</summary>
    public static void ReturnKey(NodeKey key) => FreeKeys.Enqueue(key);

    // protocolTime: the protocol's clock (a FakeTimeProvider drives request timeouts); the peer layer keeps the system clock.
    // chain: a ledger made by the test (e.g. on an archive), else a fresh dev-network one in memory.
    public static async Task<TestNode> StartAsync(string name, ITestOutputHelper? output = null, Action<PeerManagerOptions>? configure = null, TimeProvider? protocolTime = null, Blockchain? chain = null)
    {
        chain ??= new Blockchain(NetworkParameters.Dev, TimeProvider.System);
        var key = RentKey();
        var options = TestSupport.Options(o =>
        {
            o.UserAgent = "test-node/" + name;
            configure?.Invoke(o);
        });
        var peers = new PeerManager(options, key, NetworkIdentity.From(NetworkParameters.Dev), new LedgerStatusProvider(chain), TimeProvider.System, new XunitLogger<PeerManager>(output, name, LogLevel.Warning));
        var protocol = new NodeProtocol(chain, peers, protocolTime ?? TimeProvider.System, new XunitLogger<NodeProtocol>(output, name));
        await peers.StartAsync(CancellationToken.None).WaitAsync(TestSupport.Timeout);
        await protocol.StartAsync(CancellationToken.None).WaitAsync(TestSupport.Timeout);
        return new TestNode(name, chain, key, peers, protocol);
    }

    /// <summary>Starts <paramref name="count"/> nodes named A, B, C…</summary>
    public static async Task<TestNode[]> StartManyAsync(int count, ITestOutputHelper? output = null)
    {
        var nodes = new TestNode[count];
        for (var i = 0; i < count; i++)
        {
            nodes[i] = await StartAsync(((char)('A' + i)).ToString(), output);
        }

        return nodes;
    }

    /// <summary>Dials <paramref name="other"/> and waits until both protocols track the connection.</summary>
    public async Task ConnectToAsync(TestNode other)
    {
        await Peers.ConnectAsync("127.0.0.1", other.EndPoint.Port).WaitAsync(TestSupport.Timeout);
        await WaitUntilAsync(() => Protocol.IsTracking(other.NodeId) && other.Protocol.IsTracking(NodeId), $"{Name} and {other.Name} to connect");
    }

    /// <summary>Connects the nodes in a line: 0-1, 1-2, …</summary>
    public static async Task ConnectLineAsync(IReadOnlyList<TestNode> nodes)
    {
        for (var i = 0; i + 1 < nodes.Count; i++)
        {
            await nodes[i].ConnectToAsync(nodes[i + 1]);
        }
    }

    /// <summary>Drops the connection to <paramref name="other"/> and waits until both sides forgot it.</summary>
    public async Task DisconnectFromAsync(TestNode other)
    {
        if (Peers.FindPeer(other.NodeId) is { } peer)
        {
            await peer.DisconnectAsync("test partition").WaitAsync(TestSupport.Timeout);
        }

        await WaitUntilAsync(() => !Protocol.IsTracking(other.NodeId) && !other.Protocol.IsTracking(NodeId), $"{Name} and {other.Name} to disconnect");
    }

    /// <summary>Mines one block from the mempool (template plus nonce search) and submits it locally.</summary>
    public Block Mine()
    {
        var template = Chain.CreateTemplate(MinerAddress);
        var block = new Block(TestBlocks.Solve(template.Header), template.Transactions);
        var result = Chain.SubmitBlock(block);
        Assert.Equal(BlockStatus.Connected, result.Status);
        return block;
    }

    /// <summary>Mines <paramref name="count"/> blocks locally.</summary>
    public void Mine(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Mine();
        }
    }

    public Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) => WaitUntil.Async(condition, $"{Name}: {what}", timeout);

    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await Peers.StopAsync(CancellationToken.None).WaitAsync(TestSupport.Timeout);
        await Protocol.StopAsync(CancellationToken.None).WaitAsync(TestSupport.Timeout);
        Protocol.Dispose();
        Peers.Dispose();
        ReturnKey(Key);
    }
}
