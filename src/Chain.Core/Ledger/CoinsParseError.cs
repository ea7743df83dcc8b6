namespace Chain.Core.Ledger;

/// <summary>Why a text is not an amount of coins (<see cref="Money.TryParseCoins(string?, out long, out CoinsParseError)"/>).</summary>
public enum CoinsParseError
{
    /// <summary>It is an amount.</summary>
    None,

    /// <summary>Not digits with at most one point between digits (<c>abc</c>, <c>-1</c>, <c>1e3</c>, <c>5.</c>, <c>.5</c>).</summary>
    NotANumber,

    /// <summary>A number with more than 8 decimals (below the base unit).</summary>
    TooManyDecimals,

    /// <summary>A number above the maximum supply.</summary>
    OutOfRange,
}
