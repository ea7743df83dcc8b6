using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace Chain.Network.Transport;

/// <summary>Writes frames: a 4-byte big-endian length, then the body.</summary>
public static class FrameWriter
{
    /// <summary>Writes one frame into <paramref name="writer"/> (without flushing).</summary>
    /// <exception cref="ArgumentException">The body is longer than <paramref name="maxFrameSize"/>.</exception>
    public static void WriteFrame(IBufferWriter<byte> writer, ReadOnlySpan<byte> body, int maxFrameSize = FrameReader.MaxFrameSize)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (body.Length > maxFrameSize)
        {
            throw new ArgumentException($"A frame body of {body.Length} bytes exceeds the maximum of {maxFrameSize}.", nameof(body));
        }

        var header = writer.GetSpan(FrameReader.HeaderSize);
        BinaryPrimitives.WriteInt32BigEndian(header, body.Length);
        writer.Advance(FrameReader.HeaderSize);
        writer.Write(body);
    }

    /// <summary>The complete frame (length prefix and body) as a new array.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> body, int maxFrameSize = FrameReader.MaxFrameSize)
    {
        var buffer = new ArrayBufferWriter<byte>(FrameReader.HeaderSize + body.Length);
        WriteFrame(buffer, body, maxFrameSize);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes already encoded bytes (a whole frame) and flushes them.</summary>
    public static async ValueTask WriteRawAsync(PipeWriter writer, ReadOnlyMemory<byte> encodedFrame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var result = await writer.WriteAsync(encodedFrame, cancellationToken);
        if (result.IsCompleted)
        {
            throw new PeerProtocolException("The connection was closed.");
        }
    }
}
