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

    /// <summary>Decimals a coin amount may have: one base unit is 0.00000001.</summary>
    public const int MaxDecimals = 8;

    /// <summary>
    /// Parses a non-negative coin amount with at most 8 decimals ("12.5", "0.00000001", "3") into units,
    /// exactly and without floating point. Returns false for anything else or for more than the maximum supply.
    /// </summary>
    public static bool TryParseCoins(string? text, out long units) => TryParseCoins(text, out units, out _);

    /// <summary>
    /// As <see cref="TryParseCoins(string?, out long)"/>, saying why a text is refused. A point needs digits on both
    /// sides (<c>0.5</c>, <c>5</c> or <c>5.0</c>; not <c>.5</c> or <c>5.</c>), as bitcoind's amounts and JSON numbers.
    /// </summary>
    public static bool TryParseCoins(string? text, out long units, out CoinsParseError error)
    {
        units = 0;
        var dot = text?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        var wholePart = text is null ? string.Empty : dot < 0 ? text : text[..dot];
        var fractionPart = text is null || dot < 0 ? string.Empty : text[(dot + 1)..];
        if (wholePart.Length == 0 || !AllDigits(wholePart) || !AllDigits(fractionPart) || (dot >= 0 && fractionPart.Length == 0))
        {
            error = CoinsParseError.NotANumber;
            return false;
        }

        if (fractionPart.Length > MaxDecimals)
        {
            error = CoinsParseError.TooManyDecimals;
            return false;
        }

        // Leading zeros do not count towards the range; more than 9 other digits are above the supply whatever they are.
        var significant = wholePart.TrimStart('0');
        if (significant.Length > 9)
        {
            error = CoinsParseError.OutOfRange;
            return false;
        }

        var whole = significant.Length == 0 ? 0 : long.Parse(significant, NumberStyles.None, CultureInfo.InvariantCulture);
        var fraction = fractionPart.Length == 0 ? 0 : long.Parse(fractionPart.PadRight(MaxDecimals, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
        var total = checked((whole * UnitsPerCoin) + fraction);
        if (total > MaxSupply)
        {
            error = CoinsParseError.OutOfRange;
            return false;
        }

        units = total;
        error = CoinsParseError.None;
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
