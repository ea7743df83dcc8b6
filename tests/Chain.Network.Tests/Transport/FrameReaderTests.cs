using System.Buffers;
using System.IO.Pipelines;
using Chain.Network.Transport;

namespace Chain.Network.Tests.Transport;

public sealed class FrameReaderTests
{
    private static readonly byte[] Stream = [.. FrameWriter.Encode([1, 2, 3]), .. FrameWriter.Encode([]), .. FrameWriter.Encode([9, 8, 7, 6, 5])];

    private static List<byte[]> ReadAll(ReadOnlySequence<byte> buffer, out long remaining)
    {
        var frames = new List<byte[]>();
        while (FrameReader.TryReadFrame(ref buffer, out var frame))
        {
            frames.Add(frame.ToArray());
        }

        remaining = buffer.Length;
        return frames;
    }

    [Fact]
    public void TryReadFrame_WholeStream_ReadsEveryFrame()
    {
        var frames = ReadAll(new ReadOnlySequence<byte>(Stream), out var remaining);

        Assert.Equal([[1, 2, 3], [], [9, 8, 7, 6, 5]], frames);
        Assert.Equal(0, remaining);
    }

    [Fact]
    public void TryReadFrame_SplitAtEveryOffset_ReadsTheSameFrames()
    {
        for (var cut = 0; cut <= Stream.Length; cut++)
        {
            var frames = ReadAll(TestSupport.Segmented(Stream, cut), out var remaining);
            Assert.Equal(3, frames.Count);
            Assert.Equal([9, 8, 7, 6, 5], frames[2]);
            Assert.Equal(0, remaining);
        }
    }

    [Fact]
    public void TryReadFrame_EveryByteItsOwnSegment_ReadsTheSameFrames()
    {
        var cuts = Enumerable.Range(1, Stream.Length - 1).ToArray();

        var frames = ReadAll(TestSupport.Segmented(Stream, cuts), out _);

        Assert.Equal([[1, 2, 3], [], [9, 8, 7, 6, 5]], frames);
    }

    [Fact]
    public void TryReadFrame_PrefixOfEveryLength_StopsAtTheLastWholeFrame()
    {
        var ends = new[] { 7, 11, Stream.Length };
        for (var length = 0; length <= Stream.Length; length++)
        {
            var frames = ReadAll(TestSupport.Segmented(Stream[..length], length / 2), out var remaining);
            var expected = ends.Count(e => e <= length);
            Assert.Equal(expected, frames.Count);
            Assert.Equal(length - (expected == 0 ? 0 : ends[expected - 1]), remaining);
        }
    }

    [Fact]
    public void TryReadFrame_LengthAboveMaximum_Throws()
    {
        var header = new byte[] { 0, 0x40, 0x00, 0x12 }; // MaxFrameSize + 1
        Assert.Equal(FrameReader.MaxFrameSize + 1, (header[1] << 16) | (header[2] << 8) | header[3]);
        var buffer = new ReadOnlySequence<byte>(header);

        Assert.Throws<PeerProtocolException>(() => FrameReader.TryReadFrame(ref buffer, out _));
    }

    [Fact]
    public void TryReadFrame_NegativeLength_Throws()
    {
        var buffer = new ReadOnlySequence<byte>([0x80, 0, 0, 1]);

        Assert.Throws<PeerProtocolException>(() => FrameReader.TryReadFrame(ref buffer, out _));
    }

    [Fact]
    public void TryReadFrame_LengthAtMaximum_WaitsForTheBody()
    {
        var header = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, FrameReader.MaxFrameSize);
        var buffer = new ReadOnlySequence<byte>(header);

        Assert.False(FrameReader.TryReadFrame(ref buffer, out _));
        Assert.Equal(4, buffer.Length);
    }

    [Fact]
    public void TryReadFrame_SmallerExplicitMaximum_IsEnforced()
    {
        var buffer = new ReadOnlySequence<byte>(FrameWriter.Encode(new byte[100]));

        Assert.Throws<PeerProtocolException>(() => FrameReader.TryReadFrame(ref buffer, 99, out _));
    }

    [Fact]
    public async Task ReadFrameAsync_TwoFramesInOneWrite_LeavesTheSecondBuffered()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Stream).AsTask().WaitAsync(TestSupport.Timeout);

        var first = await FrameReader.ReadFrameAsync(pipe.Reader, 100, CancellationToken.None).AsTask().WaitAsync(TestSupport.Timeout);
        var second = await FrameReader.ReadFrameAsync(pipe.Reader, 100, CancellationToken.None).AsTask().WaitAsync(TestSupport.Timeout);
        var third = await FrameReader.ReadFrameAsync(pipe.Reader, 100, CancellationToken.None).AsTask().WaitAsync(TestSupport.Timeout);

        Assert.Equal([1, 2, 3], first);
        Assert.Empty(second);
        Assert.Equal([9, 8, 7, 6, 5], third);
    }

    [Fact]
    public async Task ReadFrameAsync_StreamEndsInsideAFrame_Throws()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Stream.AsMemory(0, 5)).AsTask().WaitAsync(TestSupport.Timeout);
        await pipe.Writer.CompleteAsync();

        await Assert.ThrowsAsync<PeerProtocolException>(() => FrameReader.ReadFrameAsync(pipe.Reader, 100, CancellationToken.None).AsTask().WaitAsync(TestSupport.Timeout));
    }

    [Fact]
    public void FrameWriter_BodyAboveMaximum_Throws()
    {
        Assert.Throws<ArgumentException>(() => FrameWriter.Encode(new byte[11], 10));
    }
}
