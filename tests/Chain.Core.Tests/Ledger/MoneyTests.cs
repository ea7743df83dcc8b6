using Chain.Core.Ledger;
using CsCheck;

namespace Chain.Core.Tests.Ledger;

public class MoneyTests
{
    [Theory]
    [InlineData("12.5", 1_250_000_000L)]
    [InlineData("0.00000001", 1L)]
    [InlineData("3", 300_000_000L)]
    [InlineData("0", 0L)]
    [InlineData("0.5", 50_000_000L)]
    [InlineData("5.0", 500_000_000L)]
    [InlineData("007.10", 710_000_000L)]
    [InlineData("21000000", Money.MaxSupply)]
    [InlineData("21000000.00000000", Money.MaxSupply)]
    public void TryParseCoins_Valid_ExactUnits(string text, long expected)
    {
        Assert.True(Money.TryParseCoins(text, out var units));
        Assert.Equal(expected, units);
    }

    [Theory]
    [InlineData("1.")]
    [InlineData(".5")] // digits on both sides of the point, as bitcoind and JSON numbers
    [InlineData(".")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1e3")]
    [InlineData("0.000000001")] // 9 decimals
    [InlineData("1.123456789")]
    [InlineData("21000000.00000001")] // above the maximum supply
    [InlineData("99999999")]
    [InlineData("1000000000")]
    [InlineData("1,5")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1.2.3")]
    [InlineData("١")] // a non-ASCII digit
    [InlineData("")]
    [InlineData(null)]
    public void TryParseCoins_Invalid_FalseAndZero(string? text)
    {
        Assert.False(Money.TryParseCoins(text, out var units));
        Assert.Equal(0, units);
    }

    [Theory]
    [InlineData("5.", CoinsParseError.NotANumber)]
    [InlineData(".5", CoinsParseError.NotANumber)]
    [InlineData("abc", CoinsParseError.NotANumber)]
    [InlineData("1.123456789", CoinsParseError.TooManyDecimals)]
    [InlineData("12345678901234567890123", CoinsParseError.OutOfRange)] // 23 digits
    [InlineData("21000000.00000001", CoinsParseError.OutOfRange)]
    [InlineData("0000000000000000000000021000000", CoinsParseError.None)] // leading zeros are not range
    public void TryParseCoins_SaysWhy(string text, CoinsParseError expected)
    {
        Assert.Equal(expected == CoinsParseError.None, Money.TryParseCoins(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData(1_250_000_000L, "12.5")]
    [InlineData(1L, "0.00000001")]
    [InlineData(0L, "0")]
    [InlineData(300_000_000L, "3")]
    [InlineData(Money.MaxSupply, "21000000")]
    [InlineData(-50_000_000L, "-0.5")]
    [InlineData(-150_000_000L, "-1.5")]
    public void Format_Units_CoinsWithoutTrailingZeros(long units, string expected)
    {
        Assert.Equal(expected, Money.Format(units));
    }

    [Fact]
    public void TryParseCoins_FormattedAmount_RoundTrips()
    {
        Gen.Long[0, Money.MaxSupply].Sample(units =>
        {
            Assert.True(Money.TryParseCoins(Money.Format(units), out var parsed));
            Assert.Equal(units, parsed);
        });
    }

    [Theory]
    [InlineData(0L, true)]
    [InlineData(Money.MaxSupply, true)]
    [InlineData(-1L, false)]
    [InlineData(Money.MaxSupply + 1, false)]
    public void InRange_Units_ZeroToMaxSupply(long units, bool expected)
    {
        Assert.Equal(expected, Money.InRange(units));
    }
}
