namespace Chain.Network.Tests.Protocol;

/// <summary>Polling for conditions that become true asynchronously, always within a timeout.</summary>
internal static class WaitUntil
{
    /// <summary>Polls <paramref name="condition"/> every 20 ms; fails the test if it is still false after <paramref name="timeout"/> (default <see cref="TestSupport.Timeout"/>).</summary>
    public static async Task Async(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TestSupport.Timeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Checks that <paramref name="condition"/> stays false for <paramref name="period"/>.</summary>
    public static async Task NeverAsync(Func<bool> condition, string what, TimeSpan period)
    {
        var deadline = DateTime.UtcNow + period;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(condition(), what);
            await Task.Delay(20);
        }
    }
}
