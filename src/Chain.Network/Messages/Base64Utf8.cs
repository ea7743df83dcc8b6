using System.Runtime.CompilerServices;

namespace Chain.Network.Messages;

/// <summary>
/// Strict standard base64 (RFC 4648, padded) to and from UTF-8, for the large blobs of block messages.
/// The loops are compiled fully optimised on first use (<see cref="MethodImplOptions.AggressiveOptimization"/>):
/// a block passes through them a handful of times after a node starts, too few for tiered compilation to lift
/// the library base64 out of its unoptimised first tier, which took over 10 ms for a 600 KB block.
/// </summary>
internal static class Base64Utf8
{
    private static ReadOnlySpan<byte> Alphabet => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8;

    // Value of each byte as a base64 digit, or -1.
    private static readonly sbyte[] Digits = BuildDigits();

    /// <summary>Characters of the padded encoding of <paramref name="length"/> bytes.</summary>
    public static int EncodedLength(int length) => checked((length + 2) / 3 * 4);

    /// <summary>Bytes of the padded encoding of <paramref name="length"/> bytes as a JSON string (quotes included).</summary>
    public static int QuotedLength(int length) => 2 + EncodedLength(length);

    /// <summary>Writes <paramref name="data"/> as a quoted JSON string of its padded encoding to the start of <paramref name="destination"/>; returns <see cref="QuotedLength"/>.</summary>
    public static int WriteQuoted(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var text = EncodedLength(data.Length);
        destination[0] = (byte)'"';
        Encode(data, destination.Slice(1, text));
        destination[text + 1] = (byte)'"';
        return text + 2;
    }

    /// <summary>Writes the padded encoding of <paramref name="data"/> to <paramref name="destination"/>, which holds exactly <see cref="EncodedLength"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Encode(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length != EncodedLength(data.Length))
        {
            throw new ArgumentException("The destination is not the length of the encoding.", nameof(destination));
        }

        var alphabet = Alphabet;
        var whole = data.Length - (data.Length % 3);
        var o = 0;
        for (var i = 0; i < whole; i += 3)
        {
            var group = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
            destination[o] = alphabet[group >> 18];
            destination[o + 1] = alphabet[(group >> 12) & 63];
            destination[o + 2] = alphabet[(group >> 6) & 63];
            destination[o + 3] = alphabet[group & 63];
            o += 4;
        }

        var left = data.Length - whole;
        if (left > 0)
        {
            var group = (data[whole] << 16) | (left == 2 ? data[whole + 1] << 8 : 0);
            destination[o] = alphabet[group >> 18];
            destination[o + 1] = alphabet[(group >> 12) & 63];
            destination[o + 2] = left == 2 ? alphabet[(group >> 6) & 63] : (byte)'=';
            destination[o + 3] = (byte)'=';
        }
    }

    /// <summary>
    /// Decodes canonical padded base64: a multiple of four alphabet characters, '=' only as the last one or two,
    /// unused bits zero. Null for anything else (including whitespace, which some decoders skip).
    /// </summary>
    public static byte[]? TryDecodeCanonical(ReadOnlySpan<byte> text)
    {
        var length = DecodedLength(text);
        if (length < 0)
        {
            return null;
        }

        var output = length == 0 ? [] : new byte[length];
        return TryDecodeCanonical(text, output) ? output : null;
    }

    /// <summary>The length canonical <paramref name="text"/> decodes to; -1 when its length or padding rules that out.</summary>
    public static int DecodedLength(ReadOnlySpan<byte> text)
    {
        if (text.Length % 4 != 0)
        {
            return -1;
        }

        if (text.Length == 0)
        {
            return 0;
        }

        var padding = text[^1] != '=' ? 0 : text[^2] != '=' ? 1 : 2;
        return (text.Length / 4 * 3) - padding;
    }

    /// <summary>
    /// As <see cref="TryDecodeCanonical(ReadOnlySpan{byte})"/>, into <paramref name="output"/>, which holds exactly
    /// <see cref="DecodedLength"/> bytes; false (with <paramref name="output"/> partly written) when not canonical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryDecodeCanonical(ReadOnlySpan<byte> text, Span<byte> output)
    {
        var length = DecodedLength(text);
        if (length < 0 || output.Length != length)
        {
            return false;
        }

        if (text.Length == 0)
        {
            return true;
        }

        var padding = (text.Length / 4 * 3) - length;
        var digits = Digits;
        var fullQuads = (text.Length / 4) - (padding > 0 ? 1 : 0);
        var o = 0;
        var bad = 0;
        for (var q = 0; q < fullQuads; q++)
        {
            var i = q * 4;
            int a = digits[text[i]], b = digits[text[i + 1]], c = digits[text[i + 2]], d = digits[text[i + 3]];
            bad |= a | b | c | d;
            var group = (a << 18) | (b << 12) | (c << 6) | d;
            output[o] = (byte)(group >> 16);
            output[o + 1] = (byte)(group >> 8);
            output[o + 2] = (byte)group;
            o += 3;
        }

        if (bad < 0)
        {
            return false;
        }

        if (padding > 0)
        {
            var i = text.Length - 4;
            int a = digits[text[i]], b = digits[text[i + 1]];
            int c = padding == 1 ? digits[text[i + 2]] : 0;
            if ((a | b | c) < 0)
            {
                return false;
            }

            var group = (a << 18) | (b << 12) | (c << 6);
            // Canonical: the bits below the last whole byte are zero.
            if ((padding == 2 && (group & 0xFFFF) != 0) || (padding == 1 && (group & 0xFF) != 0))
            {
                return false;
            }

            output[o] = (byte)(group >> 16);
            if (padding == 1)
            {
                output[o + 1] = (byte)(group >> 8);
            }
        }

        return true;
    }

    private static sbyte[] BuildDigits()
    {
        var digits = new sbyte[256];
        Array.Fill(digits, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            digits[Alphabet[i]] = (sbyte)i;
        }

        return digits;
    }
}
