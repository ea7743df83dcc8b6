using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Chain.Core.Crypto;

namespace Chain.Network.Messages;

/// <summary>
/// The one rule for hex on the wire (PROTOCOL.md 1): lower-case digits <c>0-9a-f</c> only. Hashes in a hello and
/// ids in messages are exactly 64 of them; anything else (upper case included) is malformed.
/// </summary>
public static class LowerHex
{
    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789abcdef");

    /// <summary>Whether <paramref name="text"/> is non-empty and only lower-case hex digits.</summary>
    public static bool IsLowerHex([NotNullWhen(true)] string? text) =>
        !string.IsNullOrEmpty(text) && !text.AsSpan().ContainsAnyExcept(Digits);

    /// <summary>Whether <paramref name="text"/> is a hash as sent on the wire: exactly 64 lower-case hex digits.</summary>
    public static bool IsHash([NotNullWhen(true)] string? text) => text is { Length: Hash256.Size * 2 } && IsLowerHex(text);

    /// <summary>Parses a hash written by the wire rule; false for upper case or any other form.</summary>
    public static bool TryParseHash([NotNullWhen(true)] string? text, out Hash256 hash)
    {
        hash = default;
        return IsHash(text) && Hash256.TryParse(text, out hash);
    }
}
