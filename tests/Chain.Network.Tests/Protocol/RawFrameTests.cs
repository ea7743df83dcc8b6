using System.Diagnostics;
using System.Text;
using Chain.Network.Handshake;
using Chain.Network.Messages;
using Chain.Network.Peers;
using Chain.Network.Transport;

namespace Chain.Network.Tests.Protocol;

/// <summary>
/// Byte-level abuse after a real handshake: a frame split one byte per write, a truncated frame then silence,
/// a replayed frame, a second hello, and a stream of maximum-size frames while another peer's pings and requests
/// are answered.
/// </summary>
public sealed class RawFrameTests(ITestOutputHelper output)
{
    // Only a hang guard: every wait below ends on an event.
    private static readonly TimeSpan Wait = TestSupport.Timeout;

    // Maximum-size frames one peer sends while another peer is served.
    private const int FloodFrames = 80;

    [Fact]
    public async Task FrameSplitOneBytePerWrite_ProcessedExactlyOnce()
    {
        await using var node = await TestNode.StartAsync("node", output);
        TestBlocks.Extend(node.Chain, node.MinerAddress, 3);
        await using var raw = await RawPeer.ConnectAsync(node);

        await raw.WriteByteByByteAsync(raw.Seal(new GetBlocksMessage([])));
        var answer = await NextOfAsync<BlocksMessage>(raw);
        Assert.Equal(3, answer.Blocks.Count);

        // Then a different request, from the tip: a second answer to the split frame would come before its answer.
        await raw.WriteAsync(raw.Seal(new GetBlocksMessage([node.Chain.Tip.Hash.ToString()])));
        Assert.Empty((await NextOfAsync<BlocksMessage>(raw)).Blocks);
    }

    [Fact]
    public async Task TruncatedFrameThenSilence_ClosedAtTheIdleTimeout()
    {
        await using var node = await TestNode.StartAsync("node", output, o =>
        {
            o.IdleTimeout = TimeSpan.FromSeconds(2);
            o.PingInterval = TimeSpan.FromMilliseconds(500);
        });
        // The node last heard from the peer during the handshake, so it may not close for idleness until 2 s after
        // the connection began. (Timed from the write instead, the lower bound failed on a loaded machine where the
        // first Seal took most of a second.)
        var connecting = Stopwatch.GetTimestamp();
        await using var raw = await RawPeer.ConnectAsync(node);
        var frame = raw.Seal(new GetBlocksMessage([]));

        await raw.WriteAsync(frame.AsMemory(0, frame.Length - 5));
        // Closed at all (the wait is only a hang guard: how soon is the benchmark's business, not a test's) and not
        // before the idle timeout (a lower bound only grows on a loaded machine).
        await raw.WaitClosedAsync(Wait);

        Assert.True(Stopwatch.GetElapsedTime(connecting) >= TimeSpan.FromSeconds(1.9), $"closed {Stopwatch.GetElapsedTime(connecting)} after connecting");
    }

    [Fact]
    public async Task ReplayedFrame_Disconnects()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var raw = await RawPeer.ConnectAsync(node);
        var frame = raw.Seal(new GetBlocksMessage([]));

        await raw.WriteAsync(frame);
        await NextOfAsync<BlocksMessage>(raw);
        await raw.WriteAsync(frame);

        await raw.WaitClosedAsync(Wait);
    }

    [Fact]
    public async Task PingOverMaximumSize_ClosedWithProtocolViolationCode()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var raw = await RawPeer.ConnectAsync(node);

        await raw.WriteAsync(raw.Seal(FrameKind.Ping, new byte[PeerConnection.MaxPingSize + 1]));

        await raw.WaitClosedAsync(Wait);
        Assert.Equal(DisconnectCode.ProtocolViolation, raw.DisconnectReason);
    }

    [Fact]
    public async Task UnsolicitedPong_Ignored_ConnectionStillServed()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var raw = await RawPeer.ConnectAsync(node);

        await raw.WriteAsync(raw.Seal(FrameKind.Pong, "never pinged"u8));
        await raw.WriteAsync(raw.Seal(new GetBlocksMessage([])));

        Assert.NotNull(await NextOfAsync<BlocksMessage>(raw));
        Assert.False(raw.Closed);
    }

    [Fact]
    public async Task FinishedAfterHandshake_ClosedWithProtocolViolationCode()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var raw = await RawPeer.ConnectAsync(node);

        await raw.WriteAsync(raw.Seal(FrameKind.Finished, []));

        await raw.WaitClosedAsync(Wait);
        Assert.Equal(DisconnectCode.ProtocolViolation, raw.DisconnectReason);
    }

    [Fact]
    public async Task SecondHelloAfterHandshake_Disconnected()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var raw = await RawPeer.ConnectAsync(node);

        await raw.WriteAsync(raw.Seal(Encoding.UTF8.GetBytes("{\"type\":\"hello\",\"version\":1,\"network\":1447379968}")));

        await raw.WaitClosedAsync(Wait);
    }

    [Fact]
    public async Task MaximumSizeFrameFlood_OtherPeerPingsAndAsksHalfway_AnsweredBeforeTheFloodsLastFrame()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var flooder = await RawPeer.ConnectAsync(node);
        await using var other = await RawPeer.ConnectAsync(node);

        // Maximum-size frames the node must decrypt and parse in full: a valid getblocks padded with whitespace,
        // each answered with a blocks message.
        var message = Encoding.UTF8.GetBytes("{\"type\":\"getblocks\",\"locator\":[]}");
        var payload = new byte[FrameCipher.MaxPayloadSize];
        payload.AsSpan().Fill((byte)' ');
        message.CopyTo(payload, payload.Length - message.Length);

        // The flooder reads its answers as they come (so its connection never backs up) and notes when the last one arrives.
        var flooderAnswers = 0;
        var started = Stopwatch.GetTimestamp();
        var lastFloodAnswer = Task.Run(async () =>
        {
            while (flooderAnswers < FloodFrames)
            {
                await NextOfAsync<BlocksMessage>(flooder, TestSupport.Timeout);
                Interlocked.Increment(ref flooderAnswers);
            }

            return Stopwatch.GetElapsedTime(started);
        });

        async Task FloodAsync(int frames)
        {
            for (var i = 0; i < frames; i++)
            {
                await flooder.WriteAsync(flooder.Seal(payload));
            }
        }

        // First half of the flood, then the other peer pings (a transport frame, answered by the node's connection
        // code) and asks for blocks (a message, answered by the protocol), then the second half. A node that serves
        // one connection until it runs dry answers the other peer only after the whole flood; a fair one answers it
        // while the second half is still being read, on any machine and under any load.
        await FloodAsync(FloodFrames / 2);
        var ping = new byte[PeerConnection.MaxPingSize];
        Random.Shared.NextBytes(ping);
        var asked = Stopwatch.GetTimestamp();
        await other.WriteAsync(other.Seal(FrameKind.Ping, ping));
        await other.WriteAsync(other.Seal(new GetBlocksMessage([])));
        var secondHalf = FloodAsync(FloodFrames - (FloodFrames / 2));

        // Both answers, in whichever order they come; for each, how many of the flood's answers came before it.
        TimeSpan? pongTime = null, answerTime = null;
        int floodAnswersBeforePong = 0, floodAnswersBeforeAnswer = 0;
        while (pongTime is null || answerTime is null)
        {
            var frame = await other.ReadAnyFrameAsync(TestSupport.Timeout);
            Assert.True(frame.HasValue, "the other peer got no answer");
            var (kind, body) = frame.Value;
            if (kind == FrameKind.Pong)
            {
                Assert.Equal(ping, body.ToArray());
                floodAnswersBeforePong = Volatile.Read(ref flooderAnswers);
                pongTime = Stopwatch.GetElapsedTime(asked);
            }
            else if (kind == FrameKind.Data && MessageCodec.TryDecode(body.Span, out _) is BlocksMessage)
            {
                floodAnswersBeforeAnswer = Volatile.Read(ref flooderAnswers);
                answerTime = Stopwatch.GetElapsedTime(asked);
            }
        }

        await secondHalf.WaitAsync(TestSupport.Timeout);
        var floodTime = await lastFloodAnswer.WaitAsync(TestSupport.Timeout);

        // Figures for the reader only: how fast is the benchmark's business, not a test's.
        output.WriteLine($"other peer's pong {pongTime.Value.TotalMilliseconds:F0} ms and blocks {answerTime.Value.TotalMilliseconds:F0} ms after asking, after {floodAnswersBeforePong} and {floodAnswersBeforeAnswer} of the flooder's {FloodFrames} answers; whole flood answered {floodTime.TotalSeconds:F1} s after it began");
        Assert.True(floodAnswersBeforePong < FloodFrames, "the other peer's ping was answered only after the flooder's last frame");
        Assert.True(floodAnswersBeforeAnswer < FloodFrames, "the other peer's getblocks was answered only after the flooder's last frame");
        Assert.False(flooder.Closed);
        Assert.False(other.Closed);
    }

    private static async Task<T> NextOfAsync<T>(RawPeer peer, TimeSpan? timeout = null)
        where T : Message
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? Wait;
        while (deadline.Elapsed < limit)
        {
            var message = await peer.ReadMessageAsync(limit - deadline.Elapsed);
            if (message is T wanted)
            {
                return wanted;
            }

            if (message is null)
            {
                break;
            }
        }

        throw new TimeoutException($"no {typeof(T).Name} within {limit.TotalSeconds:0} s");
    }
}
