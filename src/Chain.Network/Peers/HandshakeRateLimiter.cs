using System.Net;

namespace Chain.Network.Peers;

/// <summary>
/// Token buckets that ration inbound handshakes, checked at accept, before the responder's RSA work (a signature and
/// an OAEP encryption, about a millisecond of CPU, PROTOCOL.md 4.3): one bucket per <see cref="NetworkGroup.AddressKey"/>
/// (burst <c>burst</c>, one token back per <c>interval</c>) and one per <see cref="NetworkGroup.RateGroup"/>
/// (<see cref="GroupFactor"/> times both). A connection takes a token from both or is refused. Loopback addresses
/// are not limited unless asked (local nodes and tools). Thread-safe; time from the injected clock.
/// </summary>
internal sealed class HandshakeRateLimiter
{
    /// <summary>How many times an address's burst and rate a whole group gets.</summary>
    public const int GroupFactor = 4;

    /// <summary>Most buckets kept per level; beyond, idle (full) buckets are dropped, and new keys refused while none is.</summary>
    public const int MaxTrackedKeys = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, Bucket> _addresses = [];
    private readonly Dictionary<IPAddress, Bucket> _groups = [];
    private readonly int _burst;
    private readonly TimeSpan _interval;
    private readonly bool _limitLoopback;
    private readonly TimeProvider _time;

    public HandshakeRateLimiter(int burst, TimeSpan interval, bool limitLoopback, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _burst = burst;
        _interval = interval;
        _limitLoopback = limitLoopback;
        _time = time;
    }

    /// <summary>Buckets held (addresses and groups), for tests.</summary>
    public int TrackedKeys
    {
        get
        {
            lock (_gate)
            {
                return _addresses.Count + _groups.Count;
            }
        }
    }

    /// <summary>Takes a handshake token for <paramref name="address"/>; false when its address or its group has none left.</summary>
    public bool TryAcquire(IPAddress address)
    {
        if (!_limitLoopback && IPAddress.IsLoopback(NetworkGroup.Unmap(address)))
        {
            return true;
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            var own = Find(_addresses, NetworkGroup.AddressKey(address), _burst, _interval, now);
            var group = Find(_groups, NetworkGroup.RateGroup(address), _burst * GroupFactor, _interval / GroupFactor, now);
            if (own is null || group is null || own.Tokens < 1 || group.Tokens < 1)
            {
                return false;
            }

            own.Tokens--;
            group.Tokens--;
            return true;
        }
    }

    // The key's bucket refilled to now; a new one (full) when there is room; null when the table is full of busy buckets.
    private Bucket? Find(Dictionary<IPAddress, Bucket> buckets, IPAddress key, int capacity, TimeSpan interval, long now)
    {
        if (buckets.TryGetValue(key, out var bucket))
        {
            bucket.Refill(capacity, interval, now, _time);
            return bucket;
        }

        if (buckets.Count >= MaxTrackedKeys)
        {
            foreach (var (known, other) in buckets)
            {
                other.Refill(capacity, interval, now, _time);
                if (other.Tokens >= capacity)
                {
                    buckets.Remove(known);
                }
            }

            if (buckets.Count >= MaxTrackedKeys)
            {
                return null;
            }
        }

        bucket = new Bucket { Tokens = capacity, Stamp = now };
        buckets[key] = bucket;
        return bucket;
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public long Stamp { get; set; }

        public void Refill(int capacity, TimeSpan interval, long now, TimeProvider time)
        {
            var earned = time.GetElapsedTime(Stamp, now) / interval;
            Tokens = Math.Min(capacity, Tokens + earned);
            Stamp = now;
        }
    }
}
