using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Chain.Core.Crypto;
using Chain.Network.Handshake;
using Chain.Network.Peers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chain.Network.Tests;

/// <summary>Shared keys, networks and helpers; every await in the tests is bounded by <see cref="Timeout"/>.</summary>
internal static class TestSupport
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // RSA-2048 generation is slow: a few keys serve every test.
    public static readonly NodeKey KeyA = NodeKey.Generate();
    public static readonly NodeKey KeyB = NodeKey.Generate();
    public static readonly NodeKey KeyC = NodeKey.Generate();

    public static readonly NetworkIdentity Network = new(0x5645_4400, Hash256.Compute("test genesis"u8));

    public static HandshakeSettings Settings(NodeKey key, NetworkIdentity? network = null) => new()
    {
        NodeKey = key,
        Network = network ?? Network,
        ListenPort = 1234,
        Status = new ChainStatus(7, 0x1234_5678_9abc_def0),
        UserAgent = "test/1",
    };

    public static PeerManagerOptions Options(Action<PeerManagerOptions>? configure = null)
    {
        var options = new PeerManagerOptions
        {
            ListenAddress = "127.0.0.1",
            ListenPort = 0,
            // Only a hang guard: an RSA handshake took over 5 s on a loaded machine. Tests of the timeout set their own.
            HandshakeTimeout = Timeout,
            RedialInitialDelay = TimeSpan.FromMilliseconds(50),
            RedialMaxDelay = TimeSpan.FromMilliseconds(200),
            CloseTimeout = TimeSpan.FromSeconds(1),
        };
        configure?.Invoke(options);
        return options;
    }

    public static async Task<PeerManager> StartManagerAsync(NodeKey key, Action<PeerManagerOptions>? configure = null, NetworkIdentity? network = null, TimeProvider? time = null)
    {
        var manager = new PeerManager(Options(configure), key, network ?? Network, new FixedStatus(), time ?? TimeProvider.System, NullLogger.Instance);
        await manager.StartAsync(CancellationToken.None).WaitAsync(Timeout);
        return manager;
    }

    public static async Task StopAsync(this PeerManager manager)
    {
        await manager.StopAsync(CancellationToken.None).WaitAsync(Timeout);
        manager.Dispose();
    }

    /// <summary>Reads events until one of type <typeparamref name="T"/> matching <paramref name="match"/> arrives.</summary>
    public static async Task<T> NextAsync<T>(this PeerManager manager, Func<T, bool>? match = null)
        where T : PeerEvent
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var next = await manager.Events.ReadAsync(timeout.Token);
            if (next is T wanted && (match is null || match(wanted)))
            {
                return wanted;
            }
        }
    }

    /// <summary>Polls <paramref name="condition"/> until true or the timeout.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }

    public static ReadOnlySequence<byte> Segmented(byte[] data, params int[] cuts)
    {
        var bounds = new List<int> { 0 };
        bounds.AddRange(cuts);
        bounds.Add(data.Length);
        Segment? first = null;
        Segment? last = null;
        for (var i = 0; i + 1 < bounds.Count; i++)
        {
            var piece = data.AsMemory(bounds[i], bounds[i + 1] - bounds[i]);
            if (first is null)
            {
                first = last = new Segment(piece, 0);
            }
            else
            {
                last = last!.Append(piece);
            }
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    internal sealed class FixedStatus : IChainStatusProvider
    {
        public ChainStatus GetStatus() => new(42, 4242);
    }
}

/// <summary>A TCP connection driven by hand: the test plays one side of the protocol.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private RawPeer(Socket socket)
    {
        Socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: true);
        Input = PipeReader.Create(Stream, new StreamPipeReaderOptions(leaveOpen: true));
        Output = PipeWriter.Create(Stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public Socket Socket { get; }

    public NetworkStream Stream { get; }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>Drives an accepted socket (taken over).</summary>
    public static RawPeer Over(Socket socket) => new(socket);

    public static async Task<RawPeer> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint).WaitAsync(TestSupport.Timeout);
        return new RawPeer(socket);
    }

    /// <summary>Accepts one connection on a fresh 127.0.0.1 port-0 listener.</summary>
    public static async Task<(RawPeer Client, RawPeer Server)> PairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var accept = listener.AcceptAsync();
        var client = await ConnectAsync((IPEndPoint)listener.LocalEndPoint!);
        var server = await accept.WaitAsync(TestSupport.Timeout);
        return (client, new RawPeer(server));
    }

    public async Task WriteAsync(byte[] bytes) => await Output.WriteAsync(bytes).AsTask().WaitAsync(TestSupport.Timeout);

    /// <summary>True when the other side closed or reset the connection (after any bytes it still sends).</summary>
    public async Task<bool> ClosedByPeerAsync()
    {
        try
        {
            while (true)
            {
                var result = await Input.ReadAsync().AsTask().WaitAsync(TestSupport.Timeout);
                Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Connects and reports whether the other side refused the connection (closed or reset it) at once.</summary>
    public static async Task<bool> RefusedAsync(IPEndPoint endPoint)
    {
        RawPeer peer;
        try
        {
            peer = await ConnectAsync(endPoint);
        }
        catch (SocketException)
        {
            return true;
        }

        await using (peer)
        {
            return await peer.ClosedByPeerAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync();
        await Output.CompleteAsync();
        await Stream.DisposeAsync();
    }
}
