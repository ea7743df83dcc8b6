using System.Net;
using Chain.Network.Peers;
using Microsoft.Extensions.Time.Testing;

namespace Chain.Network.Tests.Peers;

public sealed class HandshakeRateLimiterTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private static int Acquired(HandshakeRateLimiter limiter, IPAddress address, int attempts) =>
        Enumerable.Range(0, attempts).Count(_ => limiter.TryAcquire(address));

    [Fact]
    public void TryAcquire_BurstSpent_RefusedUntilATokenIsEarnedBack()
    {
        var time = new FakeTimeProvider();
        var limiter = new HandshakeRateLimiter(4, Interval, limitLoopback: true, time);
        var address = IPAddress.Parse("192.0.2.7");

        Assert.Equal(4, Acquired(limiter, address, 100));
        time.Advance(Interval / 2);
        Assert.False(limiter.TryAcquire(address));
        time.Advance(Interval / 2);
        Assert.Equal(1, Acquired(limiter, address, 100));
        time.Advance(Interval * 100);
        Assert.Equal(4, Acquired(limiter, address, 100)); // the bucket holds no more than its burst
    }

    [Fact]
    public void TryAcquire_IPv6_OneSlash64SharesOneBucketAndItsSlash32GroupIsCapped()
    {
        var limiter = new HandshakeRateLimiter(2, Interval, limitLoopback: true, new FakeTimeProvider());

        // Walking the addresses of one /64 gives nothing more than one address.
        Assert.Equal(2, Enumerable.Range(1, 50).Count(i => limiter.TryAcquire(IPAddress.Parse($"2001:db8:1:2::{i:x}"))));

        // Other /64s of the same /32 have buckets of their own, but the group's holds GroupFactor bursts in all.
        var others = Enumerable.Range(3, 50).Count(i => limiter.TryAcquire(IPAddress.Parse($"2001:db8:1:{i:x}::1")));
        Assert.Equal((2 * HandshakeRateLimiter.GroupFactor) - 2, others);

        // Another /32 is not affected.
        Assert.True(limiter.TryAcquire(IPAddress.Parse("2001:db9::1")));
    }

    [Fact]
    public void TryAcquire_IPv4_EachAddressItsOwnBucketTheSlash16Capped()
    {
        var limiter = new HandshakeRateLimiter(1, Interval, limitLoopback: true, new FakeTimeProvider());

        Assert.Equal(HandshakeRateLimiter.GroupFactor, Enumerable.Range(1, 50).Count(i => limiter.TryAcquire(IPAddress.Parse($"198.51.{i}.1"))));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("198.52.0.1")));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("::ffff:198.53.0.1")));
        Assert.False(limiter.TryAcquire(IPAddress.Parse("198.53.0.1")), "an IPv4-mapped address is its IPv4 address");
    }

    [Fact]
    public void TryAcquire_Loopback_NotLimitedUnlessAsked()
    {
        var free = new HandshakeRateLimiter(1, Interval, limitLoopback: false, new FakeTimeProvider());
        Assert.Equal(100, Acquired(free, IPAddress.Loopback, 100));
        Assert.Equal(100, Acquired(free, IPAddress.IPv6Loopback, 100));
        Assert.Equal(0, free.TrackedKeys);

        var limited = new HandshakeRateLimiter(1, Interval, limitLoopback: true, new FakeTimeProvider());
        Assert.Equal(1, Acquired(limited, IPAddress.Loopback, 100));
    }

    [Fact]
    public void TryAcquire_ManyAddresses_TablesStayBoundedAndIdleBucketsMakeRoom()
    {
        var time = new FakeTimeProvider();
        var limiter = new HandshakeRateLimiter(1, Interval, limitLoopback: true, time);

        // More /64s than the table holds, each spending its token: the table stays at its cap, newcomers are refused.
        var addresses = Enumerable.Range(0, HandshakeRateLimiter.MaxTrackedKeys + 500).Select(i => IPAddress.Parse($"2001:{i / 4:x}:{i % 4:x}::1")).ToList();
        var acquired = addresses.Count(limiter.TryAcquire);
        Assert.InRange(limiter.TrackedKeys, 1, 2 * HandshakeRateLimiter.MaxTrackedKeys);
        Assert.True(acquired <= HandshakeRateLimiter.MaxTrackedKeys);

        // Once buckets have refilled they are idle and make room for new addresses.
        time.Advance(Interval);
        Assert.True(limiter.TryAcquire(IPAddress.Parse("2001:ffff:ffff::1")));
        Assert.InRange(limiter.TrackedKeys, 1, 2 * HandshakeRateLimiter.MaxTrackedKeys);
    }
}
