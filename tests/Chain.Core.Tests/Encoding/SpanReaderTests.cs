using Chain.Core.Encoding;

namespace Chain.Core.Tests.Encoding;

public class SpanReaderTests
{
    [Fact]
    public void Read_WrittenValues_LittleEndianRoundTrip()
    {
        var buffer = new byte[1 + 2 + 4 + 8 + 8 + 3];
        var writer = new SpanWriter(buffer);
        writer.WriteByte(0xab);
        writer.WriteUInt16(0x1234);
        writer.WriteUInt32(0xdeadbeef);
        writer.WriteInt64(-2);
        writer.WriteUInt64(0x0102030405060708);
        writer.WriteBytes([7, 8, 9]);
        Assert.Equal(buffer.Length, writer.Position);
        Assert.Equal("ab3412efbeadde", Convert.ToHexStringLower(buffer.AsSpan(0, 7)));

        var reader = new SpanReader(buffer);

        Assert.Equal(0xab, reader.ReadByte());
        Assert.Equal(0x1234, reader.ReadUInt16());
        Assert.Equal(0xdeadbeef, reader.ReadUInt32());
        Assert.Equal(-2, reader.ReadInt64());
        Assert.Equal(0x0102030405060708ul, reader.ReadUInt64());
        Assert.Equal([7, 8, 9], reader.ReadBytes(3).ToArray());
        Assert.Equal(0, reader.Remaining);
        reader.EnsureEnd("test");
    }

    [Fact]
    public void ReadUInt32_ThreeBytesLeft_FormatException()
    {
        Assert.Throws<FormatException>(() => new SpanReader(new byte[3]).ReadUInt32());
    }

    [Fact]
    public void ReadBytes_NegativeOrTooMany_FormatException()
    {
        Assert.Throws<FormatException>(() => new SpanReader(new byte[3]).ReadBytes(-1));
        Assert.Throws<FormatException>(() => new SpanReader(new byte[3]).ReadBytes(4));
    }

    [Fact]
    public void EnsureEnd_TrailingByte_FormatException()
    {
        Assert.Throws<FormatException>(() => new SpanReader(new byte[1]).EnsureEnd("test"));
    }
}
