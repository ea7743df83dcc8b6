using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>
/// A WebSocket client written by hand over a socket with a small receive buffer, so a test can stop reading and
/// make the server's sends back up after a few kilobytes (a <see cref="System.Net.WebSockets.ClientWebSocket"/>'s
/// socket buffers megabytes first). Frames as RFC 6455 lays them out: the client's masked, the server's not.
/// </summary>
internal sealed class RawWebSocket : IAsyncDisposable
{
    private const byte Fin = 0x80;
    private const byte TextOpcode = 0x1;
    private const byte CloseOpcode = 0x8;

    private readonly NetworkStream _stream;

    private RawWebSocket(NetworkStream stream)
    {
        _stream = stream;
    }

    /// <summary>Connects and upgrades <c>GET /?token=…</c>; the receive buffer is as small as the system allows.</summary>
    public static async Task<RawWebSocket> ConnectAsync(RpcEndpoint api)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 1024 };
        using (var connecting = new CancellationTokenSource(NodeProcess.Timeout))
        {
            try
            {
                await socket.ConnectAsync(IPEndPoint.Parse(api.Endpoint), connecting.Token);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var client = new RawWebSocket(new NetworkStream(socket, ownsSocket: true));
        try
        {
            using var cancel = new CancellationTokenSource(NodeProcess.Timeout);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = $"GET /?token={api.Secret} HTTP/1.1\r\nHost: {api.Endpoint}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await client._stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancel.Token);

            // The response head, byte by byte, so nothing of the first frame is read with it.
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                await client._stream.ReadExactlyAsync(one, cancel.Token);
                head.Append((char)one[0]);
            }

            Assert.StartsWith("HTTP/1.1 101", head.ToString(), StringComparison.Ordinal);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends one text frame, masked as a client must.</summary>
    public async Task SendTextAsync(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        Assert.True(payload.Length < 126, "short frames only");
        var mask = RandomNumberGenerator.GetBytes(4);
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = Fin | TextOpcode;
        frame[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        using var cancel = new CancellationTokenSource(NodeProcess.Timeout);
        await _stream.WriteAsync(frame, cancel.Token);
    }

    /// <summary>The next frame: its opcode and payload.</summary>
    public async Task<(int Opcode, byte[] Payload)> ReceiveFrameAsync()
    {
        using var cancel = new CancellationTokenSource(NodeProcess.Timeout);
        var head = new byte[2];
        await _stream.ReadExactlyAsync(head, cancel.Token);
        long length = head[1] & 0x7f;
        if (length == 126)
        {
            var extended = new byte[2];
            await _stream.ReadExactlyAsync(extended, cancel.Token);
            length = BinaryPrimitives.ReadUInt16BigEndian(extended);
        }
        else if (length == 127)
        {
            var extended = new byte[8];
            await _stream.ReadExactlyAsync(extended, cancel.Token);
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(extended);
        }

        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload, cancel.Token);
        return (head[0] & 0x0f, payload);
    }

    /// <summary>Reads frames until the close frame; returns its status code and reason.</summary>
    public async Task<(int Status, string Reason)> ReadUntilCloseAsync()
    {
        var frames = 0;
        while (true)
        {
            int opcode;
            byte[] payload;
            try
            {
                (opcode, payload) = await ReceiveFrameAsync();
                frames++;
            }
            catch (IOException e)
            {
                throw new IOException($"after {frames} frames: {e.Message}", e);
            }

            if (opcode == CloseOpcode)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(payload), Encoding.UTF8.GetString(payload.AsSpan(2)));
            }
        }
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();
}
