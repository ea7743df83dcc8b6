using Chain.Core.Wallets;

namespace Chain.Core.Tests.Wallets;

public sealed class ScryptParametersTests
{
    [Fact]
    public void Default_IsTheDocumentedCostAndWithinBounds()
    {
        Assert.Equal(new ScryptParameters(32768, 8, 1), ScryptParameters.Default);
        Assert.True(ScryptParameters.Default.IsWithinBounds);
    }

    [Theory]
    [InlineData(2, 1, 1, true)]
    [InlineData(1 << 18, 8, 1, true)]
    [InlineData(1 << 19, 8, 1, false)]
    [InlineData(1 << 20, 2, 1, true)]
    [InlineData(1 << 15, 8, 16, true)]
    [InlineData(1 << 15, 8, 17, false)]
    [InlineData(1 << 18, 8, 8, false)]
    [InlineData(1 << 15, 8, 8, true)]
    [InlineData(3, 1, 1, false)]
    [InlineData(int.MinValue, 1, 1, false)]
    public void IsWithinBounds_Parameters_MatchesTheLimits(int n, int r, int p, bool expected)
    {
        Assert.Equal(expected, new ScryptParameters(n, r, p).IsWithinBounds);
    }
}
