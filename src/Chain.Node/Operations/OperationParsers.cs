using System.Globalization;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Node.Operations;

/// <summary>
/// Turns the text of an argument into a value, for every front end alike (the console's words, the API's
/// parameters), so a bad argument gets the same message everywhere. Addresses go only through
/// <see cref="Address.TryParse"/>, the one definition of an address.
/// </summary>
public static class OperationParsers
{
    /// <summary>An address.</summary>
    public static Address Address(string text) =>
        Core.Crypto.Address.TryParse(text, out var address) ? address : throw OperationException.Invalid($"'{text}' is not an address (40 hexadecimal characters)");

    /// <summary>A non-negative amount of coins as units; <paramref name="what"/> names it in the message.</summary>
    public static long Coins(string text, string what) =>
        Money.TryParseCoins(text, out var units)
            ? units
            : throw OperationException.Invalid($"{what} '{text}' is not an amount of coins (e.g. 12.5, at most 8 decimals)");

    /// <summary>A count between 1 and <paramref name="max"/>.</summary>
    public static int Count(string text, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max
            ? n
            : throw OperationException.Invalid($"'{text}' is not a count between 1 and {max}");

    /// <summary>Whether <paramref name="text"/> is a count between 1 and <paramref name="max"/>.</summary>
    public static bool IsCount(string text, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max;

    /// <summary>The optional <c>raw</c> switch of <c>block</c> and <c>tx</c>: <c>raw</c> or <c>true</c>, or <c>false</c>.</summary>
    public static bool Raw(string? text) => text?.ToLowerInvariant() switch
    {
        null or "false" => false,
        "raw" or "true" => true,
        _ => throw OperationException.Invalid($"'{text}' is not 'raw'"),
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
