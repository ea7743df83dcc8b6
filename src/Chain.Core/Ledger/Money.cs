using System.Globalization;

namespace Chain.Core.Ledger;

/// <summary>Amounts are integer counts of base units; these helpers convert to and from coins.</summary>
public static class Money
{
    /// <summary>Base units in one coin.</summary>
    public const long UnitsPerCoin = 100_000_000;

    /// <summary>The most units that can ever exist: 21 million coins.</summary>
    public const long MaxSupply = 21_000_000 * UnitsPerCoin;

    /// <summary>Whether <paramref name="units"/> is a possible amount (0 to <see cref="MaxSupply"/>).</summary>
    public static bool InRange(long units) => units is >= 0 and <= MaxSupply;

    /// <summary>Formats units as coins with the invariant culture, without trailing zeros: 1250000000 is "12.5".</summary>
    public static string Format(long units)
    {
        var whole = units / UnitsPerCoin;
        var fraction = Math.Abs(units % UnitsPerCoin);
        var sign = units < 0 && whole == 0 ? "-" : string.Empty;
        if (fraction == 0)
        {
            return sign + whole.ToString(CultureInfo.InvariantCulture);
        }

        var digits = fraction.ToString("D8", CultureInfo.InvariantCulture).TrimEnd('0');
        return sign + whole.ToString(CultureInfo.InvariantCulture) + "." + digits;
    }

    /// <summary>
    /// Parses a non-negative coin amount with at most 8 decimals ("12.5", "0.00000001", "3") into units,
    /// exactly and without floating point. Returns false for anything else or for more than the maximum supply.
    /// </summary>
    public static bool TryParseCoins(string? text, out long units)
    {
        units = 0;
        if (string.IsNullOrEmpty(text) || text.Length > 32)
        {
            return false;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var wholePart = dot < 0 ? text : text[..dot];
        var fractionPart = dot < 0 ? string.Empty : text[(dot + 1)..];
        if (wholePart.Length == 0 && fractionPart.Length == 0)
        {
            return false;
        }

        if (fractionPart.Length > 8 || !AllDigits(wholePart) || !AllDigits(fractionPart) || (dot >= 0 && fractionPart.Length == 0))
        {
            return false;
        }

        if (wholePart.Length > 9)
        {
            return false;
        }

        var whole = wholePart.Length == 0 ? 0 : long.Parse(wholePart, NumberStyles.None, CultureInfo.InvariantCulture);
        var fraction = fractionPart.Length == 0 ? 0 : long.Parse(fractionPart.PadRight(8, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
        var total = checked((whole * UnitsPerCoin) + fraction);
        if (total > MaxSupply)
        {
            return false;
        }

        units = total;
        return true;
    }

    private static bool AllDigits(string s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
