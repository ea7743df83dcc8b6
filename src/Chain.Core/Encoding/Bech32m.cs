namespace Chain.Core.Encoding;

/// <summary>
/// Bech32m (BIP-350): a human-readable prefix, the separator <c>1</c>, 5-bit groups of data in the 32-character
/// alphabet, then a 6-character checksum that detects any error in up to 4 characters and a changed prefix.
/// Only the checksum and character coding are taken from BIP-350; what the data means is the caller's.
/// </summary>
public static class Bech32m
{
    /// <summary>Longest string accepted or produced (BIP-173's limit).</summary>
    public const int MaxLength = 90;

    /// <summary>Characters of the checksum.</summary>
    public const int ChecksumLength = 6;

    private const string Alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private const uint Constant = 0x2bc830a3;

    // Groups and characters built on the stack up to these counts (an address: 32 groups, some 45 characters).
    private const int StackGroups = 64;
    private const int StackChars = 128;

    /// <summary>Encodes <paramref name="data"/> (whole bytes, regrouped into 5-bit groups, zero-padded) under <paramref name="prefix"/>.</summary>
    public static string Encode(string prefix, ReadOnlySpan<byte> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);

        // Built on the stack: `block` formats two addresses for each of thousands of transactions.
        var groupCount = ((data.Length * 8) + 4) / 5;
        var length = prefix.Length + 1 + groupCount + ChecksumLength;
        Span<byte> groups = groupCount <= StackGroups ? stackalloc byte[StackGroups] : new byte[groupCount];
        groups = groups[..groupCount];
        ToGroups(data, groups);
        Span<char> text = length <= StackChars ? stackalloc char[StackChars] : new char[length];
        text = text[..length];
        prefix.CopyTo(text);
        text[prefix.Length] = '1';
        var chk = PolymodPrefix(prefix);
        for (var i = 0; i < groups.Length; i++)
        {
            text[prefix.Length + 1 + i] = Alphabet[groups[i]];
            chk = Step(chk) ^ groups[i];
        }

        for (var i = 0; i < ChecksumLength; i++)
        {
            chk = Step(chk);
        }

        chk ^= Constant;
        var checksum = text[(prefix.Length + 1 + groups.Length)..];
        for (var i = 0; i < ChecksumLength; i++)
        {
            checksum[i] = Alphabet[(int)((chk >> (5 * (5 - i))) & 31)];
        }

        return new string(text);
    }

    /// <summary>
    /// Decodes <paramref name="text"/>: all lower case or all upper case, a prefix, <c>1</c>, data and a valid
    /// Bech32m checksum; the data must be whole bytes with zero padding. Returns null and a reason otherwise.
    /// </summary>
    public static (string Prefix, byte[] Data)? TryDecode(string text, out string? error)
    {
        error = null;
        if (text.Length > MaxLength)
        {
            error = $"longer than {MaxLength} characters";
            return null;
        }

        var hasLower = text.Any(char.IsAsciiLetterLower);
        var hasUpper = text.Any(char.IsAsciiLetterUpper);
        if (hasLower && hasUpper)
        {
            error = "mixes upper and lower case";
            return null;
        }

        if (text.Any(c => c is < '!' or > '~'))
        {
            error = "holds a character outside printable ASCII";
            return null;
        }

        var lower = text.ToLowerInvariant();
        var separator = lower.LastIndexOf('1');
        if (separator < 1 || lower.Length - separator - 1 < ChecksumLength)
        {
            error = "has no prefix, separator '1' and checksum";
            return null;
        }

        var prefix = lower[..separator];
        var groups = new byte[lower.Length - separator - 1];
        for (var i = 0; i < groups.Length; i++)
        {
            var index = Alphabet.IndexOf(lower[separator + 1 + i], StringComparison.Ordinal);
            if (index < 0)
            {
                error = $"'{lower[separator + 1 + i]}' is not a Bech32 character";
                return null;
            }

            groups[i] = (byte)index;
        }

        if (Polymod(prefix, groups) != Constant)
        {
            error = "checksum does not match";
            return null;
        }

        var data = FromGroups(groups.AsSpan(0, groups.Length - ChecksumLength));
        if (data is null)
        {
            error = "the data is not a whole number of bytes";
            return null;
        }

        return (prefix, data);
    }

    private static void ToGroups(ReadOnlySpan<byte> data, Span<byte> groups)
    {
        int acc = 0, bits = 0, n = 0;
        foreach (var b in data)
        {
            acc = (acc << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                groups[n++] = (byte)((acc >> bits) & 31);
            }
        }

        if (bits > 0)
        {
            groups[n] = (byte)((acc << (5 - bits)) & 31);
        }
    }

    // Regroups 5-bit groups into bytes; null when the padding is longer than 4 bits or not zero.
    private static byte[]? FromGroups(ReadOnlySpan<byte> groups)
    {
        var data = new byte[groups.Length * 5 / 8];
        int acc = 0, bits = 0, n = 0;
        foreach (var g in groups)
        {
            acc = (acc << 5) | g;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                data[n++] = (byte)((acc >> bits) & 0xff);
            }
        }

        return bits >= 5 || (acc & ((1 << bits) - 1)) != 0 ? null : data;
    }

    private static uint Polymod(string prefix, ReadOnlySpan<byte> values)
    {
        var chk = PolymodPrefix(prefix);
        foreach (var v in values)
        {
            chk = Step(chk) ^ v;
        }

        return chk;
    }

    // The checksum state after the prefix's expansion (high bits, a zero, low bits).
    private static uint PolymodPrefix(string prefix)
    {
        uint chk = 1;
        foreach (var c in prefix)
        {
            chk = Step(chk) ^ (uint)(c >> 5);
        }

        chk = Step(chk);
        foreach (var c in prefix)
        {
            chk = Step(chk) ^ (uint)(c & 31);
        }

        return chk;
    }

    private static uint Step(uint chk)
    {
        var top = chk >> 25;
        chk = (chk & 0x1ffffff) << 5;
        if ((top & 1) != 0)
        {
            chk ^= 0x3b6a57b2;
        }

        if ((top & 2) != 0)
        {
            chk ^= 0x26508e6d;
        }

        if ((top & 4) != 0)
        {
            chk ^= 0x1ea119fa;
        }

        if ((top & 8) != 0)
        {
            chk ^= 0x3d4233dd;
        }

        if ((top & 16) != 0)
        {
            chk ^= 0x2a1462b3;
        }

        return chk;
    }
}
