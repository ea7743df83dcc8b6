using Chain.Network.Handshake;
using Chain.Network.Messages;
using Chain.Network.Peers;

namespace Chain.Network.Tests.Protocol;

/// <summary>
/// A peer the test drives by hand: a real <see cref="PeerManager"/> (so the handshake and the encryption are
/// the real ones) without a protocol on top. It sends whatever payload the test wants and records every
/// message it receives, so tests can both attack a node and count what the node says.
/// </summary>
internal sealed class ProtocolPeer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Message> _received = [];
    private readonly Task _pump;
    private PeerConnection? _connection;
    private PeerConnection? _nodeSide;
    private readonly bool _rentedKey;

    private ProtocolPeer(PeerManager manager, NodeKey key, bool rentedKey)
    {
        Manager = manager;
        Key = key;
        _rentedKey = rentedKey;
        _pump = PumpAsync();
    }

    public PeerManager Manager { get; }

    public NodeKey Key { get; }

    public string NodeId => Key.NodeId;

    public PeerConnection Connection => _connection ?? throw new InvalidOperationException("Not connected.");

    /// <summary>Starts a peer that claims <paramref name="status"/> in its hello (no blocks, no work by default).</summary>
    public static async Task<ProtocolPeer> StartAsync(NodeKey? key = null, ChainStatus? status = null, Action<PeerManagerOptions>? configure = null)
    {
        var rentedKey = key is null;
        key ??= TestNode.RentKey();
        var options = TestSupport.Options(o =>
        {
            o.Listen = false;
            configure?.Invoke(o);
        });
        var manager = new PeerManager(options, key, NetworkIdentity.From(TestBlocks.Dev), new Status(status ?? new ChainStatus(0, 0)), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await manager.StartAsync(CancellationToken.None).WaitAsync(TestSupport.Timeout);
        return new ProtocolPeer(manager, key, rentedKey);
    }

    /// <summary>Connects to <paramref name="node"/> and waits until its protocol tracks this peer.</summary>
    public async Task ConnectAsync(TestNode node)
    {
        _connection = await Manager.ConnectAsync("127.0.0.1", node.EndPoint.Port).WaitAsync(TestSupport.Timeout);
        await WaitUntil.Async(() => node.Protocol.IsTracking(NodeId), $"{node.Name} to track the test peer");
        _nodeSide = node.Peers.FindPeer(NodeId);
    }

    /// <summary>Connects again and reports whether the node closed the new connection at once (it refuses this peer).</summary>
    public async Task<string?> ReconnectRefusedReasonAsync(TestNode node)
    {
        _connection = await Manager.ConnectAsync("127.0.0.1", node.EndPoint.Port).WaitAsync(TestSupport.Timeout);
        await WaitDisconnectedAsync();
        return _connection.DisconnectReason;
    }

    public bool Send(Message message) => SendRaw(MessageCodec.Encode(message));

    public bool SendRaw(byte[] payload) => Connection.TrySend(payload);

    public bool SendJson(string json) => SendRaw(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>Waits until the node closes the connection; returns the reason this side recorded.</summary>
    public async Task<string?> WaitDisconnectedAsync(TimeSpan? timeout = null)
    {
        await Connection.Completion.WaitAsync(timeout ?? TestSupport.Timeout);
        return Connection.DisconnectReason;
    }

    /// <summary>
    /// Waits until the node closes the connection for invalid data: checks that this side was told the bare reason
    /// code and nothing of the node's internals, and returns the detail the node kept for its own log.
    /// </summary>
    public async Task<string> WaitPunishedAsync()
    {
        Assert.Equal(PeerConnection.PeerDisconnectedPrefix + DisconnectCode.InvalidData, await WaitDisconnectedAsync());
        var nodeSide = _nodeSide ?? throw new InvalidOperationException("Not connected through ConnectAsync.");
        await nodeSide.Completion.WaitAsync(TestSupport.Timeout);
        return nodeSide.DisconnectReason ?? string.Empty;
    }

    /// <summary>A snapshot of the messages received so far.</summary>
    public List<Message> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public List<T> ReceivedOf<T>()
        where T : Message => [.. Received.OfType<T>()];

    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null)
        where T : Message
    {
        T? found = null;
        await WaitUntil.Async(() => (found = ReceivedOf<T>().FirstOrDefault(m => match is null || match(m))) is not null, $"a {typeof(T).Name}", timeout);
        return found!;
    }

    public void ClearReceived()
    {
        lock (_gate)
        {
            _received.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Manager.StopAsync(CancellationToken.None).WaitAsync(TestSupport.Timeout);
        await _pump.WaitAsync(TestSupport.Timeout);
        Manager.Dispose();
        if (_rentedKey)
        {
            TestNode.ReturnKey(Key);
        }
    }

    // Keeps the manager's event channel drained (a full channel would stall the connection) and decodes what arrives.
    private async Task PumpAsync()
    {
        await foreach (var peerEvent in Manager.Events.ReadAllAsync())
        {
            if (peerEvent is PayloadReceivedEvent payload && MessageCodec.TryDecode(payload.Payload.Span, out _) is { } message)
            {
                lock (_gate)
                {
                    _received.Add(message);
                }
            }
        }
    }

    private sealed class Status(ChainStatus status) : IChainStatusProvider
    {
        public ChainStatus GetStatus() => status;
    }
}
