using System.Buffers;
using System.Text;

namespace Chain.Network.Messages;

/// <summary>
/// A fast path of <see cref="MessageCodec"/> for <see cref="BlockMessage"/>, the largest message: writes the same
/// bytes as the JSON serializer (<c>{"type":"block","block":"&lt;base64&gt;"}</c>) straight into one array, and reads
/// exactly that form without the JSON reader. Anything else (other spacing, field order, escapes, extra fields,
/// non-canonical base64) is left to the serializer, so what is accepted, and as what, does not change.
/// </summary>
internal static class BlockMessageCodec
{
    private static readonly byte[] Prefix = Encoding.UTF8.GetBytes("{\"type\":\"block\",\"block\":\"");
    private static readonly byte[] Suffix = Encoding.UTF8.GetBytes("\"}");

    /// <summary>The UTF-8 JSON of a <c>block</c> message carrying <paramref name="block"/>.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> block)
    {
        var textLength = Base64Utf8.EncodedLength(block.Length);
        var payload = new byte[Prefix.Length + textLength + Suffix.Length];
        Prefix.CopyTo(payload, 0);
        Base64Utf8.Encode(block, payload.AsSpan(Prefix.Length, textLength));
        Suffix.CopyTo(payload, Prefix.Length + textLength);
        return payload;
    }

    /// <summary>
    /// The block bytes of a payload in exactly the form <see cref="Encode"/> writes (so the payload is
    /// <c>Encode(block)</c> byte for byte); null for any other payload.
    /// </summary>
    public static byte[]? TryDecode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Prefix.Length + Suffix.Length || !payload.StartsWith(Prefix) || !payload.EndsWith(Suffix))
        {
            return null;
        }

        return Base64Utf8.TryDecodeCanonical(payload[Prefix.Length..^Suffix.Length]);
    }

    /// <summary>
    /// As <see cref="TryDecode"/>, into <c>rented[..length]</c>, an array from <see cref="ArrayPool{T}.Shared"/> that
    /// the caller returns: a large block then lands in memory already in use rather than in fresh pages.
    /// </summary>
    public static bool TryDecodeRented(ReadOnlySpan<byte> payload, out byte[] rented, out int length)
    {
        rented = [];
        length = 0;
        if (payload.Length < Prefix.Length + Suffix.Length || !payload.StartsWith(Prefix) || !payload.EndsWith(Suffix))
        {
            return false;
        }

        var text = payload[Prefix.Length..^Suffix.Length];
        var decodedLength = Base64Utf8.DecodedLength(text);
        if (decodedLength < 0)
        {
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(decodedLength);
        if (!Base64Utf8.TryDecodeCanonical(text, buffer.AsSpan(0, decodedLength)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return false;
        }

        rented = buffer;
        length = decodedLength;
        return true;
    }
}
