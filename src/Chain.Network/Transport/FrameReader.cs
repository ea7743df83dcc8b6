using System.Buffers;
using System.IO.Pipelines;

namespace Chain.Network.Transport;

/// <summary>
/// Splits a byte stream into frames: a 4-byte big-endian length, then that many bytes. The length is checked
/// against a maximum before anything is buffered for the frame, so a peer cannot make the node allocate more.
/// </summary>
public static class FrameReader
{
    /// <summary>Size of the length prefix in bytes.</summary>
    public const int HeaderSize = 4;

    /// <summary>Largest frame body accepted after the handshake: a maximal sealed frame.</summary>
    public const int MaxFrameSize = FrameCipher.MaxPayloadSize + FrameCipher.Overhead;

    /// <summary>Reads one frame of at most <see cref="MaxFrameSize"/> bytes from the front of <paramref name="buffer"/>.</summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame) =>
        TryReadFrame(ref buffer, MaxFrameSize, out frame);

    /// <summary>
    /// Reads one frame body from the front of <paramref name="buffer"/> and moves <paramref name="buffer"/> past it;
    /// false (and <paramref name="buffer"/> untouched) while the frame is incomplete.
    /// </summary>
    /// <exception cref="PeerProtocolException">The announced length is negative or above <paramref name="maxFrameSize"/>.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameSize, out ReadOnlySequence<byte> frame)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFrameSize);
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadBigEndian(out int length))
        {
            frame = default;
            return false;
        }

        if (length < 0 || length > maxFrameSize)
        {
            throw new PeerProtocolException($"Frame length {(uint)length} exceeds the maximum of {maxFrameSize} bytes.") { FrameTooLarge = true };
        }

        if (reader.Remaining < length)
        {
            frame = default;
            return false;
        }

        frame = buffer.Slice(reader.Position, length);
        buffer = buffer.Slice(frame.End);
        return true;
    }

    /// <summary>
    /// Reads exactly one frame from <paramref name="reader"/> and returns a copy of its body, leaving any bytes
    /// after it buffered in the reader for the next call.
    /// </summary>
    /// <exception cref="PeerProtocolException">Bad length, or the stream ended before a whole frame arrived.</exception>
    public static async ValueTask<byte[]> ReadFrameAsync(PipeReader reader, int maxFrameSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var found = false;
            try
            {
                if (TryReadFrame(ref buffer, maxFrameSize, out var frame))
                {
                    found = true;
                    return frame.ToArray();
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    throw new PeerProtocolException(buffer.IsEmpty ? "The connection was closed." : "The connection was closed inside a frame.");
                }
            }
            finally
            {
                // After a frame, the rest is not examined yet: it may already hold the next frame.
                if (found)
                {
                    reader.AdvanceTo(buffer.Start);
                }
                else
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
    }
}
