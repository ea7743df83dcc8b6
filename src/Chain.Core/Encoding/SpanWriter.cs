using System.Buffers.Binary;

namespace Chain.Core.Encoding;

/// <summary>Writes the canonical little-endian encodings into a span sized in advance.</summary>
public ref struct SpanWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    /// <summary>Starts writing at the first byte of <paramref name="buffer"/>.</summary>
    public SpanWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Position => _position;

    /// <summary>Writes one byte.</summary>
    public void WriteByte(byte value) => Take(1)[0] = value;

    /// <summary>Writes a little-endian unsigned 16-bit integer.</summary>
    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Take(2), value);

    /// <summary>Writes a little-endian unsigned 32-bit integer.</summary>
    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), value);

    /// <summary>Writes a little-endian signed 64-bit integer.</summary>
    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    /// <summary>Writes a little-endian unsigned 64-bit integer.</summary>
    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Take(8), value);

    /// <summary>Copies <paramref name="bytes"/>.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

    /// <summary>Returns the next <paramref name="count"/> bytes for the caller to fill.</summary>
    public Span<byte> Take(int count)
    {
        var slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }
}
