using System.Diagnostics;
using System.Text;
using Chain.Network.Messages;
using Chain.Network.Transport;

namespace Chain.Network.Tests.Protocol;

/// <summary>
/// Byte-level abuse after a real handshake: a frame split one byte per write, a truncated frame then silence,
/// a replayed frame, a second hello, and a stream of maximum-size frames while another peer is being served.
/// </summary>
public sealed class RawFrameTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

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
        await using var raw = await RawPeer.ConnectAsync(node);
        var frame = raw.Seal(new GetBlocksMessage([]));

        await raw.WriteAsync(frame.AsMemory(0, frame.Length - 5));
        var closedAfter = await raw.WaitClosedAsync(Wait);

        Assert.InRange(closedAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));
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
    public async Task SecondHelloAfterHandshake_Disconnected()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var raw = await RawPeer.ConnectAsync(node);

        await raw.WriteAsync(raw.Seal(Encoding.UTF8.GetBytes("{\"type\":\"hello\",\"version\":1,\"network\":1447379968}")));

        Assert.True(await raw.WaitClosedAsync(Wait) < Wait);
    }

    [Fact]
    public async Task EightyMaximumSizeFrames_AnotherPeerStillAnsweredWithinTwoSeconds()
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

        var worst = TimeSpan.Zero;
        var samples = 0;
        for (; samples < 5 && !flood.IsCompleted; samples++)
        {
            var asked = Stopwatch.StartNew();
            await other.WriteAsync(other.Seal(new GetBlocksMessage([])));
            await NextOfAsync<BlocksMessage>(other);
            worst = asked.Elapsed > worst ? asked.Elapsed : worst;
        }

        await flood.WaitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"slowest of {samples} answers to the other peer during the flood: {worst.TotalMilliseconds:F0} ms");
        Assert.True(samples > 0, "the flood ended before the other peer asked anything");
        Assert.True(worst < TimeSpan.FromSeconds(2), $"the other peer waited {worst.TotalMilliseconds:F0} ms");
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
