using System.Net;
using Chain.Network.Handshake;
using Chain.Network.Transport;

namespace Chain.Network.Peers;

/// <summary>Settings of the peer-to-peer layer (bind them from configuration, the section <see cref="Section"/>).</summary>
public sealed class PeerManagerOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = "Network";

    /// <summary>The port a node listens on unless told otherwise.</summary>
    public const int DefaultPort = 9333;

    /// <summary>Default cap on inbound connections, handshakes included.</summary>
    public const int DefaultMaxInbound = 32;

    /// <summary>Default cap on inbound connections from one IP address.</summary>
    public const int DefaultMaxInboundPerAddress = 4;

    /// <summary>Default cap on inbound connections from one network group (IPv4 /16, IPv6 /64).</summary>
    public const int DefaultMaxInboundPerGroup = 8;

    /// <summary>Default number of inbound handshakes one address may start at once (its token bucket's size).</summary>
    public const int DefaultMaxHandshakeBurst = 8;

    /// <summary>Default cap on frames queued for one peer.</summary>
    public const int DefaultSendQueueCapacity = 1024;

    /// <summary>Default cap on payload bytes queued for one peer: eight maximal payloads.</summary>
    public const long DefaultMaxQueuedBytes = 8L * FrameCipher.MaxPayloadSize;

    /// <summary>Default capacity of <see cref="PeerManager.Events"/>.</summary>
    public const int DefaultEventQueueCapacity = 1024;

    /// <summary>IP address to listen on.</summary>
    public string ListenAddress { get; set; } = IPAddress.Any.ToString();

    /// <summary>TCP port to listen on; 0 picks a free one (see <see cref="PeerManager.LocalEndPoint"/>).</summary>
    public int ListenPort { get; set; } = DefaultPort;

    /// <summary>False to accept no inbound connections.</summary>
    public bool Listen { get; set; } = true;

    /// <summary>Neighbours kept connected: <c>host:port</c> or <c>host:port@node-id</c>.</summary>
    public List<string> Neighbours { get; set; } = [];

    /// <summary>User agent sent in the hello.</summary>
    public string UserAgent { get; set; } = PeerHandshake.DefaultUserAgent;

    /// <summary>Cap on inbound connections, handshakes included.</summary>
    public int MaxInbound { get; set; } = DefaultMaxInbound;

    /// <summary>Cap on inbound connections from one IP address.</summary>
    public int MaxInboundPerAddress { get; set; } = DefaultMaxInboundPerAddress;

    /// <summary>Cap on inbound connections from one network group (IPv4 /16, IPv6 /64); at least <see cref="MaxInboundPerAddress"/>.</summary>
    public int MaxInboundPerGroup { get; set; } = DefaultMaxInboundPerGroup;

    /// <summary>
    /// Inbound handshakes one address (an IPv4 address or an IPv6 /64) may start at once; its network group (IPv4 /16,
    /// IPv6 /32) gets <see cref="HandshakeRateLimiter.GroupFactor"/> times as many. Connections beyond are reset at
    /// accept, before any handshake work.
    /// </summary>
    public int MaxHandshakeBurst { get; set; } = DefaultMaxHandshakeBurst;

    /// <summary>
    /// Time in which one address earns back one inbound handshake (its group <see cref="HandshakeRateLimiter.GroupFactor"/>
    /// times faster); so an address gets one handshake per interval once its burst is spent.
    /// </summary>
    public TimeSpan HandshakeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether loopback addresses are rate limited too (for tests; local nodes and tools are not limited).</summary>
    internal bool LimitLoopbackHandshakes { get; set; }

    /// <summary>Time a handshake may take before the connection is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time a TCP connect may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection that receives no frame for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Interval between keepalive pings.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time a closing connection gets to flush its queue and its disconnect frame.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Frames that may wait for one peer; a peer that lets more pile up is disconnected.</summary>
    public int SendQueueCapacity { get; set; } = DefaultSendQueueCapacity;

    /// <summary>Payload bytes that may wait for one peer; a peer that lets more pile up is disconnected.</summary>
    public long MaxQueuedBytes { get; set; } = DefaultMaxQueuedBytes;

    /// <summary>Capacity of <see cref="PeerManager.Events"/>; when full, peers' read loops wait.</summary>
    public int EventQueueCapacity { get; set; } = DefaultEventQueueCapacity;

    /// <summary>First delay before redialling a lost neighbour.</summary>
    public TimeSpan RedialInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between redials.</summary>
    public TimeSpan RedialMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Every problem with these settings, each naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!IPAddress.TryParse(ListenAddress, out _))
        {
            errors.Add($"{nameof(ListenAddress)} \"{ListenAddress}\" is not an IP address.");
        }

        if (ListenPort is < 0 or > 65_535)
        {
            errors.Add($"{nameof(ListenPort)} must be from 0 to 65535.");
        }

        foreach (var neighbour in Neighbours)
        {
            if (!PeerAddress.TryParse(neighbour, out _, out var error))
            {
                errors.Add($"{nameof(Neighbours)}: {error}");
            }
        }

        if (!PeerHandshake.IsValidUserAgent(UserAgent))
        {
            errors.Add($"{nameof(UserAgent)} is longer than {PeerHandshake.MaxUserAgentLength} bytes of UTF-8.");
        }

        Positive(MaxInbound, nameof(MaxInbound));
        Positive(MaxInboundPerAddress, nameof(MaxInboundPerAddress));
        Positive(MaxHandshakeBurst, nameof(MaxHandshakeBurst));
        if (MaxInboundPerGroup < MaxInboundPerAddress)
        {
            errors.Add($"{nameof(MaxInboundPerGroup)} must be at least {nameof(MaxInboundPerAddress)}.");
        }

        Positive(SendQueueCapacity, nameof(SendQueueCapacity));
        Positive(EventQueueCapacity, nameof(EventQueueCapacity));
        if (MaxQueuedBytes < FrameCipher.MaxPayloadSize)
        {
            errors.Add($"{nameof(MaxQueuedBytes)} must be at least {FrameCipher.MaxPayloadSize} (one maximal payload).");
        }

        foreach (var (value, name) in new[]
        {
            (HandshakeTimeout, nameof(HandshakeTimeout)), (ConnectTimeout, nameof(ConnectTimeout)), (IdleTimeout, nameof(IdleTimeout)),
            (PingInterval, nameof(PingInterval)), (CloseTimeout, nameof(CloseTimeout)), (RedialInitialDelay, nameof(RedialInitialDelay)),
            (RedialMaxDelay, nameof(RedialMaxDelay)), (HandshakeInterval, nameof(HandshakeInterval)),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{name} must be positive.");
            }
        }

        if (PingInterval >= IdleTimeout)
        {
            errors.Add($"{nameof(PingInterval)} must be shorter than {nameof(IdleTimeout)}, or idle peers are dropped between pings.");
        }

        if (RedialMaxDelay < RedialInitialDelay)
        {
            errors.Add($"{nameof(RedialMaxDelay)} must be at least {nameof(RedialInitialDelay)}.");
        }

        return errors;

        void Positive(int value, string name)
        {
            if (value <= 0)
            {
                errors.Add($"{name} must be positive.");
            }
        }
    }
}
