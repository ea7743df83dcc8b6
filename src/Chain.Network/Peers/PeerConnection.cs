using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Chain.Network.Handshake;
using Chain.Network.Transport;
using Microsoft.Extensions.Logging;

namespace Chain.Network.Peers;

/// <summary>
/// One authenticated, encrypted connection after its handshake: a read loop that opens frames and hands payloads
/// on, one writer task fed by a bounded queue, and a keepalive timer. A peer that lets its queue fill up, sends an
/// unauthentic frame or stays silent past the idle timeout is disconnected.
/// </summary>
public sealed class PeerConnection
{
    /// <summary>Largest ping body; the pong echoes it.</summary>
    public const int MaxPingSize = 64;

    /// <summary>Shortest keepalive timer period.</summary>
    private static readonly TimeSpan MinTickPeriod = TimeSpan.FromMilliseconds(10);

    /// <summary>Reason given to a peer whose send queue overflowed.</summary>
    public const string SlowPeerReason = "send queue full (peer too slow)";

    /// <summary>Reason given to a peer that sent nothing for the idle timeout.</summary>
    public const string IdleReason = DisconnectCode.IdleTimeout;

    /// <summary>Prefix of the reason when the peer closed with a disconnect frame.</summary>
    public const string PeerDisconnectedPrefix = "peer disconnected: ";

    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly HandshakeResult _session;
    private readonly PeerManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<PeerConnection, ReadOnlyMemory<byte>, CancellationToken, ValueTask> _onPayload;
    private readonly Func<PeerConnection, ValueTask> _onClosed;
    private readonly Channel<Outgoing> _queue;
    private readonly CancellationTokenSource _readStop = new();
    private readonly CancellationTokenSource _writeStop;
    private readonly Lock _stopGate = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _queuedBytes;
    private long _lastReceived;
    private long _lastPing;
    private long _pingBody;
    private long _pingSentAt;
    private long _minPingTicks = -1;
    private long _bytesSent;
    private long _bytesReceived;
    private long _lastUsefulBlock;
    private long _lastUsefulTransaction;
    private int _evicted;
    private int _closing;
    private int _started;
    private string? _reason;
    private bool _stopsDisposed;

    internal PeerConnection(
        Stream stream,
        PipeReader input,
        PipeWriter output,
        HandshakeResult session,
        bool isInbound,
        IPEndPoint remoteEndPoint,
        PeerManagerOptions options,
        TimeProvider time,
        ILogger logger,
        Func<PeerConnection, ReadOnlyMemory<byte>, CancellationToken, ValueTask> onPayload,
        Func<PeerConnection, ValueTask> onClosed)
    {
        _stream = stream;
        _input = input;
        _output = output;
        _session = session;
        _options = options;
        _time = time;
        _logger = logger;
        _onPayload = onPayload;
        _onClosed = onClosed;
        IsInbound = isInbound;
        RemoteEndPoint = remoteEndPoint;
        ConnectedAt = time.GetUtcNow();
        _writeStop = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);

        // Stopping the writer (abort, or the close timeout) closes the socket, so no send can hang on a peer that stopped reading.
        _writeStop.Token.Register(static s => ((Stream)s!).Dispose(), stream);
        _queue = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(options.SendQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _lastReceived = _lastPing = time.GetTimestamp();
    }

    /// <summary>The peer's node id (64 lower-case hex).</summary>
    public string NodeId => Hello.NodeId;

    /// <summary>The peer's hello: best height, cumulative work and listen port when it connected.</summary>
    public PeerHello Hello => _session.Peer;

    /// <summary>The peer's address and port as seen by this node.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>True when the peer dialled us.</summary>
    public bool IsInbound { get; }

    /// <summary>When the handshake completed.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>False once the connection is closing or closed.</summary>
    public bool IsConnected => Volatile.Read(ref _closing) == 0;

    /// <summary>
    /// Why the connection closed, once it has, for the local log: the reason code sent to the peer followed by the
    /// detail kept here (<c>invalid-data: block …: BadMerkleRoot</c>), or a local reason when nothing was sent.
    /// </summary>
    public string? DisconnectReason => Volatile.Read(ref _reason);

    /// <summary>
    /// Sealed frames received and opened on this connection so far: data, ping, pong and disconnect frames, and the
    /// handshake's Finished (so 1 right after the handshake). For diagnostics and benchmarks.
    /// </summary>
    public ulong FramesReceived => _session.Receiver.Counter;

    /// <summary>
    /// The lowest ping round trip measured so far (a pong counts only when it echoes the last ping this side sent, so a
    /// peer can make it longer but never shorter); null before the first. For inbound eviction.
    /// </summary>
    public TimeSpan? MinPing => Volatile.Read(ref _minPingTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>Bytes of sealed frames written to this peer since the handshake (length prefixes included).</summary>
    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>Bytes of sealed frames read from this peer since the handshake (length prefixes included).</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>When the peer last gave a block that joined the best chain (a <see cref="TimeProvider"/> timestamp; 0 if never).</summary>
    public long LastUsefulBlock => Volatile.Read(ref _lastUsefulBlock);

    /// <summary>When the peer last gave a transaction the mempool took (a timestamp; 0 if never).</summary>
    public long LastUsefulTransaction => Volatile.Read(ref _lastUsefulTransaction);

    /// <summary>Completes when the connection is closed and its resources released.</summary>
    public Task Completion => _completion.Task;

    /// <summary>True once a connected event was published for this connection.</summary>
    internal bool Announced { get; set; }

    /// <summary>Whether this connection was chosen for inbound eviction (it is closing with <see cref="DisconnectCode.Evicted"/>).</summary>
    internal bool Evicted => Volatile.Read(ref _evicted) != 0;

    /// <summary>Marks the connection chosen for eviction; false when it already was.</summary>
    internal bool MarkEvicted() => Interlocked.Exchange(ref _evicted, 1) == 0;

    /// <summary>Records that the peer just gave a block that joined the best chain (the protocol calls it).</summary>
    public void NoteUsefulBlock() => Volatile.Write(ref _lastUsefulBlock, Math.Max(1, _time.GetTimestamp()));

    /// <summary>Records that the peer just gave a transaction the mempool took (the protocol calls it).</summary>
    public void NoteUsefulTransaction() => Volatile.Write(ref _lastUsefulTransaction, Math.Max(1, _time.GetTimestamp()));

    /// <summary>
    /// Queues <paramref name="payload"/> for sending; the memory is not copied and must not change afterwards.
    /// False when closed, or when the peer's queue is full, in which case the peer is disconnected.
    /// </summary>
    /// <exception cref="ArgumentException">The payload exceeds <see cref="FrameCipher.MaxPayloadSize"/>.</exception>
    public bool TrySend(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > FrameCipher.MaxPayloadSize)
        {
            throw new ArgumentException($"A payload of {payload.Length} bytes exceeds the maximum of {FrameCipher.MaxPayloadSize}.", nameof(payload));
        }

        return Enqueue(FrameKind.Data, payload);
    }

    /// <summary>
    /// Queues <c>rented[..length]</c>, an array from <see cref="System.Buffers.ArrayPool{T}.Shared"/>, for sending, and
    /// takes it over: it goes back to the pool once sealed into the output, or at once when refused. (Left in the queue
    /// when the connection closes, it is simply collected.) As <see cref="TrySend"/> otherwise.
    /// </summary>
    internal bool TrySendPooled(byte[] rented, int length)
    {
        if (length > FrameCipher.MaxPayloadSize)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            throw new ArgumentException($"A payload of {length} bytes exceeds the maximum of {FrameCipher.MaxPayloadSize}.", nameof(length));
        }

        if (!Enqueue(FrameKind.Data, rented.AsMemory(0, length), rented))
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Sends a disconnect frame carrying <paramref name="code"/> (a <see cref="DisconnectCode"/>; after what is queued,
    /// within the close timeout) and closes. <paramref name="detail"/> is kept for the local log only.
    /// </summary>
    public Task DisconnectAsync(string code, string? detail = null)
    {
        Close(code, graceful: true, detail);
        return Completion;
    }

    /// <inheritdoc />
    public override string ToString() => $"{NodeId[..16]}… {(IsInbound ? "in" : "out")} {RemoteEndPoint}";

    /// <summary>Starts the loops; called once by the manager.</summary>
    internal void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = RunAsync();
        }
    }

    /// <summary>
    /// Begins closing: stops reading at once; when graceful, sends the queue and then a disconnect frame carrying
    /// <paramref name="reason"/> (a code) first. <paramref name="detail"/> stays local (<see cref="DisconnectReason"/>).
    /// </summary>
    internal void Close(string reason, bool graceful, string? detail = null)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        Volatile.Write(ref _reason, detail is null ? reason : $"{reason}: {detail}");

        // Cancellation callbacks run on the thread pool, never inside a caller of TrySend or the timer. The loops can
        // end on other threads at any moment (the peer hung up) and RunAsync then disposes the token sources: the gate
        // keeps this from touching them after that (a CancelAfter on a disposed source crashed nodes at shutdown).
        lock (_stopGate)
        {
            if (!_stopsDisposed)
            {
                _ = _readStop.CancelAsync();
                if (graceful)
                {
                    _writeStop.CancelAfter(_options.CloseTimeout);
                }
                else
                {
                    _ = _writeStop.CancelAsync();
                }
            }
        }

        if (graceful)
        {
            var body = Encoding.ASCII.GetBytes(PeerHandshake.Sanitize(reason));
            Interlocked.Add(ref _queuedBytes, body.Length);
            _queue.Writer.TryWrite(new Outgoing(FrameKind.Disconnect, body));
        }

        _queue.Writer.TryComplete();
    }

    private bool Enqueue(FrameKind kind, ReadOnlyMemory<byte> body, byte[]? pooled = null)
    {
        if (!IsConnected)
        {
            return false;
        }

        if (Interlocked.Add(ref _queuedBytes, body.Length) > _options.MaxQueuedBytes || !_queue.Writer.TryWrite(new Outgoing(kind, body, pooled)))
        {
            Interlocked.Add(ref _queuedBytes, -body.Length);
            if (IsConnected)
            {
                Close(SlowPeerReason, graceful: false);
            }

            return false;
        }

        return true;
    }

    private async Task RunAsync()
    {
        var shortest = _options.PingInterval < _options.IdleTimeout ? _options.PingInterval : _options.IdleTimeout;
        var period = shortest / 4 > MinTickPeriod ? shortest / 4 : MinTickPeriod;
        using var timer = _time.CreateTimer(_ => Tick(), null, period, period);
        try
        {
            await Task.WhenAll(ReadLoopAsync(), WriteLoopAsync());
        }
        finally
        {
            await timer.DisposeAsync();

            // The socket goes first: completing a stream pipe writer flushes what it still holds, which must fail
            // fast rather than wait on a peer that stopped reading.
            await _stream.DisposeAsync();
            await _input.CompleteAsync();
            try
            {
                await _output.CompleteAsync();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
            {
            }

            _session.Dispose();
            lock (_stopGate)
            {
                _stopsDisposed = true;
                _readStop.Dispose();
                _writeStop.Dispose();
            }

            try
            {
                await _onClosed(this);
            }
            finally
            {
                _completion.TrySetResult();
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        var token = _readStop.Token;
        try
        {
            while (IsConnected)
            {
                var result = await _input.ReadAsync(token);
                var buffer = result.Buffer;
                var available = buffer.Length;
                try
                {
                    while (IsConnected && FrameReader.TryReadFrame(ref buffer, out var frame))
                    {
                        Volatile.Write(ref _lastReceived, _time.GetTimestamp());
                        var (kind, body) = _session.Receiver.Open(frame);
                        switch (kind)
                        {
                            case FrameKind.Data:
                                await _onPayload(this, body, token);
                                break;
                            case FrameKind.Ping when body.Length <= MaxPingSize:
                                Enqueue(FrameKind.Pong, body);
                                break;
                            case FrameKind.Ping:
                                throw new PeerProtocolException($"A ping body of {body.Length} bytes exceeds the maximum of {MaxPingSize}.");
                            case FrameKind.Pong:
                                // Any frame proves the peer is alive (idle timeout); a pong echoing our last ping also
                                // measures the round trip. Others are ignored.
                                NotePong(body.Span);
                                break;
                            case FrameKind.Disconnect:
                                Close(PeerDisconnectedPrefix + PeerHandshake.Sanitize(Encoding.ASCII.GetString(body.Span)), graceful: false);
                                return;
                            default:
                                throw new PeerProtocolException($"A {kind} frame after the handshake.");
                        }
                    }

                    if (result.IsCompleted)
                    {
                        Close(buffer.IsEmpty ? "connection closed by peer" : "connection closed inside a frame", graceful: false);
                        return;
                    }
                }
                finally
                {
                    Interlocked.Add(ref _bytesReceived, available - buffer.Length);
                    NetworkMetrics.Bytes.Add(available - buffer.Length, NetworkMetrics.Received);
                    _input.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (PeerProtocolException e)
        {
            Close(DisconnectCode.ProtocolViolation, graceful: true, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Close("connection error: " + e.Message, graceful: false);
        }
        catch (Exception e)
        {
            _logger.ConnectionFailed(NodeId, e);
            Close(DisconnectCode.InternalError, graceful: false);
        }
    }

    private async Task WriteLoopAsync()
    {
        var token = _writeStop.Token;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(token))
            {
                // Seal everything already queued, then flush once.
                while (_queue.Reader.TryRead(out var item))
                {
                    Interlocked.Add(ref _queuedBytes, -item.Body.Length);
                    var span = _output.GetSpan(FrameCipher.SealedLength(item.Body.Length));
                    var sealedLength = _session.Sender.Seal(item.Kind, item.Body.Span, span);
                    _output.Advance(sealedLength);
                    Interlocked.Add(ref _bytesSent, sealedLength);
                    NetworkMetrics.Bytes.Add(sealedLength, NetworkMetrics.Sent);
                    if (item.Pooled is { } pooled)
                    {
                        System.Buffers.ArrayPool<byte>.Shared.Return(pooled);
                    }
                }

                var flush = await _output.FlushAsync(token);
                if (flush.IsCompleted)
                {
                    Close("connection closed by peer", graceful: false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Close("send timed out", graceful: false);
        }
        catch (PeerProtocolException e)
        {
            Close(e.Message, graceful: false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Close("connection error: " + e.Message, graceful: false);
        }
        catch (Exception e)
        {
            _logger.ConnectionFailed(NodeId, e);
            Close(DisconnectCode.InternalError, graceful: false);
        }
    }

    private void Tick()
    {
        if (!IsConnected)
        {
            return;
        }

        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(Volatile.Read(ref _lastReceived), now) >= _options.IdleTimeout)
        {
            Close(IdleReason, graceful: true);
            return;
        }

        if (_time.GetElapsedTime(Volatile.Read(ref _lastPing), now) >= _options.PingInterval)
        {
            // A random body, so a pong cannot be sent before the ping arrives (which would fake a low latency).
            Volatile.Write(ref _lastPing, now);
            var body = new byte[sizeof(long)];
            System.Security.Cryptography.RandomNumberGenerator.Fill(body);
            Volatile.Write(ref _pingBody, BinaryPrimitives.ReadInt64BigEndian(body));
            Volatile.Write(ref _pingSentAt, now);
            Enqueue(FrameKind.Ping, body);
        }
    }

    private void NotePong(ReadOnlySpan<byte> body)
    {
        var sentAt = Volatile.Read(ref _pingSentAt);
        if (sentAt == 0 || body.Length != sizeof(long) || BinaryPrimitives.ReadInt64BigEndian(body) != Volatile.Read(ref _pingBody))
        {
            return;
        }

        // One measurement per ping: a repeated pong does not count again.
        if (Interlocked.CompareExchange(ref _pingSentAt, 0, sentAt) != sentAt)
        {
            return;
        }

        var roundTrip = _time.GetElapsedTime(sentAt).Ticks;
        var min = Volatile.Read(ref _minPingTicks);
        while ((min < 0 || roundTrip < min) && Interlocked.CompareExchange(ref _minPingTicks, roundTrip, min) is var seen && seen != min)
        {
            min = seen;
        }
    }

    // Pooled: the array behind Body, returned to ArrayPool<byte>.Shared once sealed (see TrySendPooled).
    private readonly record struct Outgoing(FrameKind Kind, ReadOnlyMemory<byte> Body, byte[]? Pooled = null);
}
