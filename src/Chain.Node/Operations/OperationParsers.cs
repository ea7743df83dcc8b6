using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Node.Operations;

/// <summary>
/// Turns the text of an argument into a value, for every front end alike (the console's words, the API's
/// parameters), so a bad argument gets the same message everywhere. Addresses go only through
/// <see cref="NetworkParameters.TryParseAddress"/>, the one definition of an address as people type it.
/// </summary>
public static class OperationParsers
{
    /// <summary>Longest piece of user input echoed back in an error; longer input is cut and marked with an ellipsis.</summary>
    public const int MaxEcho = 64;

    /// <summary>An address in <paramref name="network"/>'s checksummed text form (ENCODING.md, "Address"); a bare 40-hex address is refused.</summary>
    public static Address Address(NetworkParameters network, string text) =>
        network.TryParseAddress(text, out var address, out var error) ? address : throw OperationException.Invalid(error!);

    /// <summary><paramref name="text"/> as an error message quotes it: cut to <see cref="MaxEcho"/> characters.</summary>
    public static string Echo(string text) => text.Length <= MaxEcho ? text : string.Concat(text.AsSpan(0, MaxEcho), "…");

    /// <summary>A non-negative amount of coins as units; <paramref name="what"/> names it in the message.</summary>
    public static long Coins(string text, string what)
    {
        Money.TryParseCoins(text, out var units, out var error);
        return error switch
        {
            CoinsParseError.None => units,
            CoinsParseError.TooManyDecimals => throw OperationException.Invalid($"{what} '{Echo(text)}' has more than {Money.MaxDecimals} decimals (the smallest amount is {Money.Format(1)} coins)"),
            CoinsParseError.OutOfRange => throw OperationException.Invalid($"{what} '{Echo(text)}' is out of range: at most {Money.Format(Money.MaxSupply)} coins"),
            _ => throw OperationException.Invalid($"{what} '{Echo(text)}' is not an amount of coins (e.g. 12.5 or 0.5: digits on both sides of a point, at most {Money.MaxDecimals} decimals)"),
        };
    }

    /// <summary>A count between 1 and <paramref name="max"/>.</summary>
    public static int Count(string text, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max
            ? n
            : throw OperationException.Invalid($"'{Echo(text)}' is not a count between 1 and {max}");

    /// <summary>Whether <paramref name="text"/> is a count between 1 and <paramref name="max"/>.</summary>
    public static bool IsCount(string text, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max;

    /// <summary>How long a ban lasts when no duration is given: a day, as bitcoind's <c>-bantime</c>.</summary>
    public static readonly TimeSpan DefaultBan = TimeSpan.FromDays(1);

    /// <summary>The longest ban: 100 years, for "for ever".</summary>
    public static readonly TimeSpan MaxBan = TimeSpan.FromDays(36_525);

    /// <summary>An IP address, IPv4 as four dotted numbers or IPv6; no port, no host name.</summary>
    public static IPAddress IpAddress(string text)
    {
        var ok = IPAddress.TryParse(text, out var address)
            && (address.AddressFamily == AddressFamily.InterNetworkV6
                ? text.Contains(':', StringComparison.Ordinal)
                : address.ToString() == text);
        return ok ? address!.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address! : throw OperationException.Invalid($"'{Echo(text)}' is not an IP address (e.g. 203.0.113.5 or 2001:db8::1, without a port)");
    }

    /// <summary>A duration: whole seconds (bitcoind's bantime), or a number followed by s, m, h, d or w; from 1 second to <see cref="MaxBan"/>.</summary>
    public static TimeSpan Duration(string text)
    {
        var unit = text.Length > 0 && char.IsAsciiLetter(text[^1]) ? char.ToLowerInvariant(text[^1]) : 's';
        var digits = char.IsAsciiLetter(text.Length > 0 ? text[^1] : '0') ? text[..^1] : text;
        var seconds = unit switch
        {
            's' => 1L,
            'm' => 60L,
            'h' => 3_600L,
            'd' => 86_400L,
            'w' => 604_800L,
            _ => 0L,
        };
        return seconds > 0
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count >= 1
            && count <= (long)MaxBan.TotalSeconds / seconds
            ? TimeSpan.FromSeconds(count * seconds)
            : throw OperationException.Invalid($"'{Echo(text)}' is not a duration (seconds, or e.g. 30m, 12h, 7d, 2w; at most 100 years)");
    }

    /// <summary>The optional <c>raw</c> switch of <c>block</c> and <c>tx</c>: <c>raw</c> or <c>true</c>, or <c>false</c>.</summary>
    public static bool Raw(string? text) => text?.ToLowerInvariant() switch
    {
        null or "false" => false,
        "raw" or "true" => true,
        _ => throw OperationException.Invalid($"'{Echo(text)}' is not 'raw'"),
    };

    /// <summary>Hex (either case) as bytes; <paramref name="what"/> names it in the message.</summary>
    public static byte[] Hex(string text, string what)
    {
        try
        {
            return text.Length % 2 == 0 ? Convert.FromHexString(text) : throw new FormatException();
        }
        catch (FormatException)
        {
            throw OperationException.Invalid($"the {what} is not hexadecimal (an even number of 0-9, a-f)");
        }
    }
}
