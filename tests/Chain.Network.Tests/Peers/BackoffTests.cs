using Chain.Network.Peers;

namespace Chain.Network.Tests.Peers;

public sealed class BackoffTests
{
    [Fact]
    public void Compute_GrowingAttempts_DoublesWithinJitterAndCaps()
    {
        var random = new Random(1);
        var initial = TimeSpan.FromSeconds(1);
        var max = TimeSpan.FromSeconds(60);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var ceiling = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(attempt, 30))));
            var delay = Backoff.Compute(attempt, initial, max, random);
            Assert.InRange(delay, ceiling / 2, ceiling);
        }
    }

    [Fact]
    public void Compute_SameAttempt_IsJittered()
    {
        var random = new Random(2);
        var delays = Enumerable.Range(0, 20).Select(_ => Backoff.Compute(5, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), random)).Distinct().Count();

        Assert.True(delays > 10);
    }
}
