using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>
/// A WebSocket client of a node's API that keeps reading: answers and notifications land in a queue the test
/// waits on, each wait bounded by <see cref="NodeProcess.Timeout"/>.
/// </summary>
internal sealed class SubscriberClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonElement> _received = Channel.CreateUnbounded<JsonElement>();
    private readonly Task _reading;
    private int _nextId;

    private SubscriberClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reading = ReadAsync();
    }

    /// <summary>How the socket ended, once it has (null while open).</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Connects with the cookie's secret as <c>?token=</c>, as a browser would.</summary>
    public static async Task<SubscriberClient> ConnectAsync(RpcEndpoint api)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{api.Endpoint}/?token={api.Secret}"), CancellationToken.None).WaitAsync(NodeProcess.Timeout);
        return new SubscriberClient(socket);
    }

    /// <summary>Sends a request and returns its answer (the result or error object, whole), skipping notifications.</summary>
    public async Task<JsonElement> CallAsync(string method, string parameters)
    {
        var id = ++_nextId;
        await SendAsync($$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}","params":{{parameters}}}""");
        return await NextAsync(m => m.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.Number && i.GetInt32() == id, $"the answer to {method}");
    }

    /// <summary>Subscribes to <paramref name="topic"/> and returns the subscription id.</summary>
    public async Task<string> SubscribeAsync(string topic)
    {
        var answer = await CallAsync("subscribe", $"""["{topic}"]""");
        Assert.True(answer.TryGetProperty("result", out var id), $"subscribe {topic}: {answer}");
        return id.GetString()!;
    }

    /// <summary>The result of the next notification of <paramref name="subscription"/> that satisfies <paramref name="match"/>, skipping others.</summary>
    public async Task<JsonElement> NotificationAsync(string subscription, Func<JsonElement, bool> match, string what)
    {
        var message = await NextAsync(
            m => m.TryGetProperty("method", out var method) && method.GetString() == "subscription"
                && m.GetProperty("params").GetProperty("subscription").GetString() == subscription
                && match(m.GetProperty("params").GetProperty("result")),
            what);
        return message.GetProperty("params").GetProperty("result");
    }

    public Task SendAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(NodeProcess.Timeout);

    /// <summary>The next message that satisfies <paramref name="match"/>, skipping others.</summary>
    public async Task<JsonElement> NextAsync(Func<JsonElement, bool> match, string what)
    {
        using var cancel = new CancellationTokenSource(NodeProcess.Timeout);
        var skipped = new List<string>();
        try
        {
            while (true)
            {
                var message = await _received.Reader.ReadAsync(cancel.Token);
                if (match(message))
                {
                    return message;
                }

                skipped.Add(message.ToString());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"no {what} (socket {_socket.State} {_socket.CloseStatus}; skipped: {string.Join(" | ", skipped.TakeLast(5))})", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        try
        {
            await _reading.WaitAsync(NodeProcess.Timeout);
        }
        catch (TimeoutException)
        {
        }

        _socket.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (true)
            {
                var length = 0;
                WebSocketReceiveResult received;
                do
                {
                    received = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None);
                    length += received.Count;
                }
                while (!received.EndOfMessage);

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                _received.Writer.TryWrite(JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone());
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _received.Writer.TryComplete();
    }
}
