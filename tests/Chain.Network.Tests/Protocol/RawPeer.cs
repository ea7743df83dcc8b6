using System.IO.Pipelines;
using System.Net.Sockets;
using Chain.Core.Ledger;
using Chain.Network.Handshake;
using Chain.Network.Messages;
using Chain.Network.Transport;

namespace Chain.Network.Tests.Protocol;

/// <summary>
/// A test client that does the real handshake over a raw socket and then writes sealed frames byte by byte
/// as it pleases (split, truncated, replayed, oversized), reading the node's frames back with the session keys.
/// </summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly HandshakeResult _session;
    private readonly NodeKey _key;

    private RawPeer(Socket socket, PipeReader input, HandshakeResult session, NodeKey key)
    {
        _socket = socket;
        _input = input;
        _session = session;
        _key = key;
    }

    public static async Task<RawPeer> ConnectAsync(TestNode node)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(node.EndPoint).WaitAsync(TestSupport.Timeout);
        var stream = new NetworkStream(socket, ownsSocket: false);
        var input = PipeReader.Create(stream);
        var output = PipeWriter.Create(stream);
        var key = TestNode.RentKey();
        var settings = new HandshakeSettings { NodeKey = key, Network = NetworkIdentity.From(NetworkParameters.Dev) };
        using var timeout = new CancellationTokenSource(TestSupport.Timeout);
        var session = await PeerHandshake.RunAsync(input, output, settings, isInitiator: true, node.NodeId, timeout.Token);
        return new RawPeer(socket, input, session, key);
    }

    /// <summary>The next sealed frame of <paramref name="message"/>, length prefix included.</summary>
    public byte[] Seal(Message message) => _session.Sender.Seal(FrameKind.Data, MessageCodec.Encode(message));

    /// <summary>The next sealed frame of arbitrary payload bytes.</summary>
    public byte[] Seal(ReadOnlySpan<byte> payload) => _session.Sender.Seal(FrameKind.Data, payload);

    /// <summary>The next sealed frame of any kind (a transport ping, say) with <paramref name="body"/>.</summary>
    public byte[] Seal(FrameKind kind, ReadOnlySpan<byte> body) => _session.Sender.Seal(kind, body);

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes) => await _socket.SendAsync(bytes);

    /// <summary>Writes <paramref name="bytes"/> one byte per send, with a pause so each is its own segment.</summary>
    public async Task WriteByteByByteAsync(byte[] bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            await _socket.SendAsync(bytes.AsMemory(i, 1));
            if (i % 16 == 0)
            {
                await Task.Delay(1);
            }
        }
    }

    /// <summary>The next data message from the node (keepalive frames are skipped), or null when it closed or the time ran out.</summary>
    public async Task<Message?> ReadMessageAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (await ReadFrameAsync(cancel.Token) is { } frame)
        {
            if (frame.Kind == FrameKind.Data)
            {
                return MessageCodec.TryDecode(frame.Body.Span, out _);
            }
        }

        return null;
    }

    /// <summary>The body of the next frame of <paramref name="wanted"/> kind (others are skipped), or null when the node closed or the time ran out.</summary>
    public async Task<ReadOnlyMemory<byte>?> ReadFrameAsync(FrameKind wanted, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (await ReadFrameAsync(cancel.Token) is { } frame)
        {
            if (frame.Kind == wanted)
            {
                return frame.Body;
            }
        }

        return null;
    }

    /// <summary>The next frame of any kind, or null when the node closed or the time ran out.</summary>
    public async Task<(FrameKind Kind, ReadOnlyMemory<byte> Body)?> ReadAnyFrameAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return await ReadFrameAsync(cancel.Token);
    }

    // The next frame opened, or null when the node closed (a disconnect frame included) or the token fired.
    private async Task<(FrameKind Kind, ReadOnlyMemory<byte> Body)?> ReadFrameAsync(CancellationToken cancel)
    {
        byte[] frame;
        try
        {
            frame = await FrameReader.ReadFrameAsync(_input, FrameReader.MaxFrameSize, cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is PeerProtocolException or IOException or SocketException)
        {
            Closed = true;
            return null;
        }

        var opened = _session.Receiver.Open(frame);
        if (opened.Kind == FrameKind.Disconnect)
        {
            DisconnectReason = System.Text.Encoding.ASCII.GetString(opened.Body.Span);
            Closed = true;
            return null;
        }

        return opened;
    }

    /// <summary>The reason of the node's <c>Disconnect</c> frame, once one arrived.</summary>
    public string? DisconnectReason { get; private set; }

    /// <summary>Whether the node closed the connection (or said it would).</summary>
    public bool Closed { get; private set; }

    /// <summary>Reads until the node closes the connection; returns how long that took, or throws on the timeout.</summary>
    public async Task<TimeSpan> WaitClosedAsync(TimeSpan timeout)
    {
        var started = DateTime.UtcNow;
        while (!Closed && timeout - (DateTime.UtcNow - started) is { Ticks: > 0 } left)
        {
            await ReadMessageAsync(left);
        }

        return Closed ? DateTime.UtcNow - started : throw new TimeoutException($"the node kept the connection open for {timeout.TotalSeconds:0} s");
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync();
        _session.Dispose();
        _socket.Dispose();
        TestNode.ReturnKey(_key);
    }
}
