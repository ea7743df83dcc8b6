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
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    // Bound on the whole flood of maximum-size frames; the other peer samples for as long as it lasts.
    private static readonly TimeSpan FloodLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SamplePause = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task FrameSplitOneBytePerWrite_ProcessedExactlyOnce()
    {
        await using var node = await TestNode.StartAsync("node", output);
        TestBlocks.Extend(node.Chain, node.MinerAddress, 3);
        await using var raw = await RawPeer.ConnectAsync(node);

        await raw.WriteByteByByteAsync(raw.Seal(new GetBlocksMessage([])));

        var answer = await NextOfAsync<BlocksMessage>(raw);
        Assert.Equal(3, answer!.Blocks.Count);
        Assert.Null(await NextOfAsync<BlocksMessage>(raw, TimeSpan.FromMilliseconds(800), allowNone: true));
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

        Assert.True(await raw.WaitClosedAsync(Wait) < Wait);
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

        Assert.True(await raw.WaitClosedAsync(Wait) < Wait);
    }

    [Fact]
    public async Task EightyMaximumSizeFrames_AnotherPeersPingsAndRequestsAnsweredWithinTwoSeconds()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var flooder = await RawPeer.ConnectAsync(node);
        await using var other = await RawPeer.ConnectAsync(node);

        // Maximum-size frames the node must decrypt and parse in full: a valid getblocks padded with whitespace.
        var message = Encoding.UTF8.GetBytes("{\"type\":\"getblocks\",\"locator\":[]}");
        var payload = new byte[FrameCipher.MaxPayloadSize];
        payload.AsSpan().Fill((byte)' ');
        message.CopyTo(payload, payload.Length - message.Length);
        var flood = Task.Run(async () =>
        {
            for (var i = 0; i < 80; i++)
            {
                await flooder.WriteAsync(flooder.Seal(payload));
            }
        });

        // While the flood lasts, the other peer pings (a transport frame, answered by the node's connection code)
        // and asks for blocks (a message, answered by the protocol), and times each answer.
        var worstPong = TimeSpan.Zero;
        var worstAnswer = TimeSpan.Zero;
        var samples = 0;
        var flooding = Stopwatch.StartNew();
        for (; !flood.IsCompleted && flooding.Elapsed < FloodLimit; samples++)
        {
            var ping = new byte[PeerConnection.MaxPingSize];
            Random.Shared.NextBytes(ping);
            var pinged = Stopwatch.StartNew();
            await other.WriteAsync(other.Seal(FrameKind.Ping, ping));
            var pong = await other.ReadFrameAsync(FrameKind.Pong, Wait);
            var roundTrip = pinged.Elapsed;
            Assert.True(pong.HasValue, $"no pong to ping {samples} within {Wait.TotalSeconds:0} s");
            Assert.Equal(ping, pong.Value.ToArray());
            worstPong = roundTrip > worstPong ? roundTrip : worstPong;

            var asked = Stopwatch.StartNew();
            await other.WriteAsync(other.Seal(new GetBlocksMessage([])));
            await NextOfAsync<BlocksMessage>(other);
            worstAnswer = asked.Elapsed > worstAnswer ? asked.Elapsed : worstAnswer;

            // An ordinary peer's pace, not a second flood.
            await Task.Delay(SamplePause);
        }

        await flood.WaitAsync(FloodLimit);
        output.WriteLine($"flood of 80 frames written in {flooding.Elapsed.TotalSeconds:F1} s; slowest of {samples} pongs / answers to the other peer: {worstPong.TotalMilliseconds:F0} ms / {worstAnswer.TotalMilliseconds:F0} ms");
        Assert.True(samples > 0, "the flood ended before the other peer pinged");
        Assert.True(worstPong < TimeSpan.FromSeconds(2), $"a pong to the other peer took {worstPong.TotalMilliseconds:F0} ms");
        Assert.True(worstAnswer < TimeSpan.FromSeconds(2), $"the other peer waited {worstAnswer.TotalMilliseconds:F0} ms for blocks");
    }

    private static async Task<T?> NextOfAsync<T>(RawPeer peer, TimeSpan? timeout = null, bool allowNone = false)
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

        return allowNone ? null : throw new TimeoutException($"no {typeof(T).Name} within {limit.TotalSeconds:0} s");
    }
}
