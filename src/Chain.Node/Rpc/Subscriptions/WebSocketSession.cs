using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Chain.Node.Operations;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Rpc.Subscriptions;

/// <summary>
/// One JSON-RPC WebSocket connection: a read loop answering requests in order, and a write loop, the only sender,
/// fed by one bounded queue of answers and notifications. Notifications are offered to the queue without waiting;
/// when it is full the client is not reading fast enough and is dropped: the queued messages are discarded, the
/// socket is closed with <see cref="WebSocketCloseStatus.PolicyViolation"/> and a reason saying so, and aborted if
/// the client does not take the close frame within <see cref="CloseTimeout"/>. The node never waits for a client.
/// </summary>
public sealed partial class WebSocketSession
{
    /// <summary>Answers and notifications waiting for one client at most; one more drops it.</summary>
    public const int QueueCapacity = 1024;

    /// <summary>Subscriptions one connection holds at most.</summary>
    public const int MaxSubscriptionsPerConnection = 16;

    /// <summary>How long a closing client has to take the close frame before the socket is aborted.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How long a client has to take the close frame when the node stops (which waits for it).</summary>
    public static readonly TimeSpan StopCloseTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The close reason clients read when the node stops.</summary>
    public const string StoppingReason = "the node is stopping";

    /// <summary>The close reason a slow subscriber reads.</summary>
    public static readonly string DropReason = $"too slow: {QueueCapacity} messages were waiting";

    private static readonly byte[] NotificationStart = "{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{\"subscription\":\""u8.ToArray();
    private static readonly byte[] TopicStart = "\",\"topic\":\""u8.ToArray();
    private static readonly byte[] ResultStart = "\",\"result\":"u8.ToArray();
    private static readonly byte[] NotificationEnd = "}}"u8.ToArray();

    private readonly WebSocket _socket;
    private readonly string _remote;
    private readonly RpcDispatcher _dispatcher;
    private readonly SubscriptionHub _hub;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Outgoing> _outgoing = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    // Only the read loop touches these (and the clean-up after it ended).
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly List<Subscription> _activateAfterAnswer = [];

    private readonly Lock _closeGate = new();
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeReason;
    private ITimer? _abortTimer;

    /// <summary>Creates the session of an accepted WebSocket.</summary>
    public WebSocketSession(WebSocket socket, string remote, RpcDispatcher dispatcher, SubscriptionHub hub, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        _remote = remote;
        _dispatcher = dispatcher;
        _hub = hub;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Serves the connection until the client closes it, the client is dropped, or <paramref name="stopping"/> (the
    /// node stops: the client is sent a close frame); <paramref name="cancellationToken"/> ends it at once.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping, CancellationToken cancellationToken)
    {
        using var onStop = stopping.Register(() => RequestClose(WebSocketCloseStatus.EndpointUnavailable, StoppingReason, StopCloseTimeout));
        var reading = ReadLoopAsync(cancellationToken);
        try
        {
            await WriteLoopAsync(cancellationToken);
        }
        finally
        {
            // After our close frame the read loop waits for the client's (the close handshake), so the connection
            // ends with everything sent delivered; a client that never answers is aborted by the close timer.
            await reading;
            foreach (var subscription in _subscriptions.Values)
            {
                _hub.Remove(subscription);
            }

            lock (_closeGate)
            {
                _abortTimer?.Dispose();
            }

        }
    }

    /// <summary>
    /// Offers a notification for <paramref name="subscription"/> without waiting; drops the client when its queue is
    /// full. Called on the thread that raised the event (the ledger's, under its lock), so it only enqueues.
    /// </summary>
    public void Notify(Subscription subscription, byte[] result)
    {
        if (!_outgoing.Writer.TryWrite(new Outgoing(null, subscription, result)) && RequestClose(WebSocketCloseStatus.PolicyViolation, DropReason, CloseTimeout))
        {
            LogDropped(_logger, _remote, QueueCapacity);
        }
    }

    /// <summary>Subscribes this connection to <paramref name="topicName"/>; returns the subscription id (active once the answer is queued).</summary>
    public string Subscribe(string? topicName)
    {
        if (!SubscriptionTopics.TryParse(topicName, out var topic))
        {
            throw OperationException.Invalid($"no topic '{topicName}': tips, mempool or peers");
        }

        if (_subscriptions.Count >= MaxSubscriptionsPerConnection)
        {
            throw new OperationException(OperationError.Failed, $"a connection holds at most {MaxSubscriptionsPerConnection} subscriptions");
        }

        var subscription = _hub.TryAdd(this, topic)
            ?? throw new OperationException(OperationError.Failed, $"the node serves at most {SubscriptionHub.MaxSubscriptions} subscriptions");
        _subscriptions[subscription.Id] = subscription;
        _activateAfterAnswer.Add(subscription);
        return subscription.Id;
    }

    /// <summary>Ends this connection's subscription <paramref name="id"/>; false when it holds none of that id.</summary>
    public bool Unsubscribe(string? id)
    {
        if (id is null || !_subscriptions.Remove(id, out var subscription))
        {
            return false;
        }

        subscription.Active = false;
        _activateAfterAnswer.Remove(subscription);
        return _hub.Remove(subscription);
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                message.SetLength(0);
                WebSocketReceiveResult received;
                do
                {
                    received = await _socket.ReceiveAsync(buffer, cancellationToken);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        RequestClose(WebSocketCloseStatus.NormalClosure, null, CloseTimeout);
                        return;
                    }

                    if (message.Length + received.Count > RpcServer.MaxBodyBytes)
                    {
                        RequestClose(WebSocketCloseStatus.MessageTooBig, $"a message holds at most {RpcServer.MaxBodyBytes} bytes", CloseTimeout);
                        return;
                    }

                    message.Write(buffer, 0, received.Count);
                }
                while (!received.EndOfMessage);

                if (IsClosing)
                {
                    continue; // only the client's close frame matters now
                }

                var answer = await _dispatcher.HandleAsync(message.ToArray(), this, cancellationToken);
                if (answer is not null)
                {
                    await _outgoing.Writer.WriteAsync(new Outgoing(answer, null, null), cancellationToken);
                }

                // Only now may notifications follow: they can no longer overtake the answer naming their id.
                foreach (var subscription in _activateAfterAnswer)
                {
                    subscription.Active = true;
                }

                _activateAfterAnswer.Clear();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ChannelClosedException)
        {
            // The client left, was dropped, or the node is stopping.
        }
        finally
        {
            RequestClose(WebSocketCloseStatus.NormalClosure, null, CloseTimeout);
        }
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        var notification = new ArrayBufferWriter<byte>();
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (!IsClosing && reader.TryRead(out var item))
                {
                    await _socket.SendAsync(item.Answer ?? Compose(notification, item), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                }

                if (IsClosing)
                {
                    break;
                }
            }

            // What is still queued is discarded: the client left, sent too much, or fell behind.
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(_closeStatus ?? WebSocketCloseStatus.NormalClosure, _closeReason, cancellationToken);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client left, was aborted after a close it never took, or the node is stopping.
        }
    }

    private bool IsClosing
    {
        get
        {
            lock (_closeGate)
            {
                return _closeStatus is not null;
            }
        }
    }

    // The first request to close wins; it stops the queue and gives the client a while to take the close frame.
    private bool RequestClose(WebSocketCloseStatus status, string? reason, TimeSpan abortAfter)
    {
        lock (_closeGate)
        {
            if (_closeStatus is not null)
            {
                return false;
            }

            _closeStatus = status;
            _closeReason = reason;
            _abortTimer = _time.CreateTimer(static socket => ((WebSocket)socket!).Abort(), _socket, abortAfter, Timeout.InfiniteTimeSpan);
        }

        _outgoing.Writer.TryComplete();
        return true;
    }

    private static ReadOnlyMemory<byte> Compose(ArrayBufferWriter<byte> buffer, Outgoing item)
    {
        buffer.ResetWrittenCount();
        buffer.Write(NotificationStart);
        Encoding.ASCII.GetBytes(item.Subscription!.Id, buffer);
        buffer.Write(TopicStart);
        Encoding.ASCII.GetBytes(SubscriptionTopics.Name(item.Subscription.Topic), buffer);
        buffer.Write(ResultStart);
        buffer.Write(item.Result);
        buffer.Write(NotificationEnd);
        return buffer.WrittenMemory;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "JSON-RPC subscriber {Remote} dropped: {Capacity} messages were waiting for it")]
    private static partial void LogDropped(ILogger logger, string remote, int capacity);

    // An answer (bytes as sent), or a notification's result for a subscription.
    private readonly record struct Outgoing(byte[]? Answer, Subscription? Subscription, byte[]? Result);
}
