using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Chain.Core.Ledger;
using Chain.Network.Handshake;
using Chain.Network.Messages;
using Chain.Network.Transport;
using Chain.Tests.Shared;

namespace Chain.Network.Tests.Fuzz;

/// <summary>
/// Every decoder of bytes a peer controls, driven with random and mutated inputs: the frame reader, the
/// frame cipher, the message JSON and the handshake. Each input gives a value or the documented outcome
/// (<see cref="PeerProtocolException"/>, or null with a reason from <see cref="MessageCodec"/>), never another
/// exception, a hang, or an allocation anywhere near the frame limit.
/// </summary>
[Trait("Category", Fuzzer.Category)]
public class NetworkDecoderFuzzTests
{
    private const long AllocationSlack = 256 * 1024;

    private static readonly Lazy<NodeKey> Key = new(NodeKey.Generate);

    [Fact]
    public void FrameReader_FuzzedStream_FramesOrProtocolException()
    {
        List<byte[]> seeds = [Framed([1, 2, 3]), Framed([]), [.. Framed(new byte[100]), .. Framed([9])]];
        Fuzzer.Run(seeds, input =>
        {
            var allocated = Fuzzer.Allocated(() =>
            {
                var buffer = Segmented(input);
                try
                {
                    while (FrameReader.TryReadFrame(ref buffer, out var frame))
                    {
                        Assert.True(frame.Length <= FrameReader.MaxFrameSize);
                    }
                }
                catch (PeerProtocolException)
                {
                }
            });
            Assert.True(allocated < AllocationSlack + (16L * input.Length), $"{allocated} bytes allocated");
        });
    }

    [Fact]
    public void FrameCipherOpen_FuzzedFrame_BodyOrProtocolException()
    {
        var key = RandomNumberGenerator.GetBytes(FrameCipher.KeySize);
        var seeds = new List<byte[]>();
        using (var sender = new FrameCipher(key))
        {
            foreach (var body in new[] { "a"u8.ToArray(), new byte[300], Encoding.UTF8.GetBytes("{\"type\":\"inv\"}") })
            {
                seeds.Add(sender.Seal(FrameKind.Data, body)[FrameReader.HeaderSize..]);
            }
        }

        Fuzzer.Run(seeds, input =>
        {
            // A fresh receiver each time expects counter 0, so only an unaltered first seed could ever open.
            using var receiver = new FrameCipher(key);
            try
            {
                var (kind, body) = receiver.Open(input);
                Assert.True(Enum.IsDefined(kind));
                Assert.True(body.Length <= FrameCipher.MaxPayloadSize);
            }
            catch (PeerProtocolException)
            {
            }
        });
    }

    [Fact]
    public void MessageCodec_FuzzedJson_MessageOrReason()
    {
        var seeds = new Message[]
        {
            new InvMessage([new string('a', 64)], [new string('b', 64)]),
            new GetDataMessage([new string('c', 64)], []),
            new TxMessage([[1, 2, 3]]),
            new BlockMessage([1, 2, 3]),
            new GetBlocksMessage([new string('d', 64)]),
            new BlocksMessage([[1, 2, 3]], More: true),
            new NotFoundMessage([], [new string('e', 64)]),
        }.Select(MessageCodec.Encode).ToList();
        Fuzzer.Run(seeds, input =>
        {
            Message? decoded = null;
            var error = string.Empty;
            var allocated = Fuzzer.Allocated(() => decoded = MessageCodec.TryDecode(input, out error));
            Assert.True(decoded is not null || error.Length > 0);
            Assert.True(allocated < AllocationSlack + (64L * input.Length), $"{allocated} bytes allocated");
        });
    }

    [Fact]
    public async Task Handshake_FuzzedHelloAndKeyExchange_FailsWithProtocolException()
    {
        var settings = new HandshakeSettings { NodeKey = Key.Value, Network = NetworkIdentity.From(NetworkParameters.Dev) };
        var hello = await CaptureHelloAsync();
        var kex = Encoding.UTF8.GetBytes($"{{\"type\":\"kex\",\"secret\":\"{Convert.ToBase64String(new byte[256])}\",\"signature\":\"{Convert.ToBase64String(new byte[256])}\"}}");
        Fuzzer.Run([hello, kex], input =>
        {
            // Either the fuzzed bytes are the hello, or a valid hello comes first and they are the key exchange.
            var stream = input.Length % 2 == 0 ? Framed(input) : [.. Framed(hello), .. Framed(input)];
            Task.Run(() => ExpectFailureAsync(stream, settings)).GetAwaiter().GetResult();
        }, iterations: Fuzzer.SlowIterations(400));
    }

    private static async Task ExpectFailureAsync(byte[] stream, HandshakeSettings settings)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(stream);
        await pipe.Writer.CompleteAsync();
        var sink = new Pipe();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var error = await Assert.ThrowsAsync<PeerProtocolException>(() =>
            PeerHandshake.RunAsync(pipe.Reader, sink.Writer, settings, isInitiator: false, expectedNodeId: null, timeout.Token));
        Assert.False(timeout.IsCancellationRequested, $"the handshake hung instead of failing: {error.Message}");
    }

    // The hello a real initiator sends first (its first frame), to mutate.
    private static async Task<byte[]> CaptureHelloAsync()
    {
        using var initiatorKey = NodeKey.Generate();
        var settings = new HandshakeSettings { NodeKey = initiatorKey, Network = NetworkIdentity.From(NetworkParameters.Dev) };
        var silence = new Pipe();
        var output = new Pipe();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var running = PeerHandshake.RunAsync(silence.Reader, output.Writer, settings, isInitiator: true, expectedNodeId: null, cancel.Token);
        var frame = await FrameReader.ReadFrameAsync(output.Reader, FrameReader.MaxFrameSize, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => running);
        return frame;
    }

    private static byte[] Framed(byte[] body)
    {
        var framed = new byte[FrameReader.HeaderSize + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(framed, body.Length);
        body.CopyTo(framed, FrameReader.HeaderSize);
        return framed;
    }

    // The input cut into up to four segments, as a socket would deliver it.
    private static ReadOnlySequence<byte> Segmented(byte[] input)
    {
        if (input.Length < 4)
        {
            return new ReadOnlySequence<byte>(input);
        }

        var cuts = new[] { input.Length / 4, input.Length / 2, input.Length * 3 / 4 };
        var first = new Segment(input.AsMemory(0, cuts[0]));
        var last = first.Append(input.AsMemory(cuts[0], cuts[1] - cuts[0])).Append(input.AsMemory(cuts[1], cuts[2] - cuts[1])).Append(input.AsMemory(cuts[2]));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
