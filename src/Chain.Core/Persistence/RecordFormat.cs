using System.Buffers.Binary;
using System.Security.Cryptography;
using Chain.Core.Encoding;

namespace Chain.Core.Persistence;

/// <summary>
/// The record framing shared by the data files:
/// <c>magic:u32 | length:u32 | checksum:4 | payload</c>, integers little-endian, where the checksum is the
/// first 4 bytes of SHA-256 of the payload. Each file kind has its own magic.
/// </summary>
internal static class RecordFormat
{
    /// <summary>Bytes before the payload.</summary>
    public const int HeaderSize = 4 + 4 + ChecksumSize;

    /// <summary>Bytes of SHA-256 kept as the checksum.</summary>
    public const int ChecksumSize = 4;

    /// <summary>A whole record around <paramref name="payload"/>.</summary>
    public static byte[] Encode(uint magic, ReadOnlySpan<byte> payload)
    {
        var record = new byte[HeaderSize + payload.Length];
        var writer = new SpanWriter(record);
        writer.WriteUInt32(magic);
        writer.WriteUInt32((uint)payload.Length);
        Checksum(payload, writer.Take(ChecksumSize));
        writer.WriteBytes(payload);
        return record;
    }

    /// <summary>Fills in the header of <paramref name="record"/>, whose payload is already in place after it.</summary>
    public static void WriteHeader(uint magic, Span<byte> record)
    {
        var payload = record[HeaderSize..];
        var writer = new SpanWriter(record[..HeaderSize]);
        writer.WriteUInt32(magic);
        writer.WriteUInt32((uint)payload.Length);
        Checksum(payload, writer.Take(ChecksumSize));
    }

    /// <summary>Reads the magic and the length of a header of <see cref="HeaderSize"/> bytes.</summary>
    public static (uint Magic, uint Length) ReadHeader(ReadOnlySpan<byte> header)
    {
        var reader = new SpanReader(header);
        return (reader.ReadUInt32(), reader.ReadUInt32());
    }

    /// <summary>Whether the checksum in <paramref name="header"/> is that of <paramref name="payload"/>.</summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        Span<byte> expected = stackalloc byte[ChecksumSize];
        Checksum(payload, expected);
        return header.Slice(8, ChecksumSize).SequenceEqual(expected);
    }

    /// <summary>
    /// The offset of the first intact record in <paramref name="data"/> at or after <paramref name="start"/>
    /// (right magic, a length within bounds that fits, a matching checksum), or -1. At most
    /// <paramref name="hashBudget"/> payload bytes are hashed, so crafted data full of record-like headers
    /// cannot make the search quadratic; <paramref name="inconclusive"/> tells that the budget ran out first.
    /// </summary>
    public static int FindIntactRecord(
        ReadOnlySpan<byte> data, int start, uint magic, int minLength, int maxLength, long hashBudget, out bool inconclusive)
    {
        inconclusive = false;
        Span<byte> magicBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(magicBytes, magic);
        var position = start;
        while (position <= data.Length - HeaderSize)
        {
            var found = data[position..].IndexOf(magicBytes);
            if (found < 0 || position + found > data.Length - HeaderSize)
            {
                return -1;
            }

            position += found;
            var (_, length) = ReadHeader(data.Slice(position, HeaderSize));
            if (length >= (uint)minLength && length <= (uint)maxLength && length <= (uint)(data.Length - position - HeaderSize))
            {
                hashBudget -= length;
                if (hashBudget < 0)
                {
                    inconclusive = true;
                    return -1;
                }

                if (ChecksumMatches(data.Slice(position, HeaderSize), data.Slice(position + HeaderSize, (int)length)))
                {
                    return position;
                }
            }

            position++;
        }

        return -1;
    }

    /// <summary>Whether the first bytes of <paramref name="data"/> (up to 4) are those of <paramref name="magic"/>.</summary>
    public static bool StartsWithMagic(ReadOnlySpan<byte> data, uint magic)
    {
        Span<byte> magicBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(magicBytes, magic);
        var count = Math.Min(4, data.Length);
        return data[..count].SequenceEqual(magicBytes[..count]);
    }

    private static void Checksum(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(payload, digest);
        digest[..ChecksumSize].CopyTo(destination);
    }
}
