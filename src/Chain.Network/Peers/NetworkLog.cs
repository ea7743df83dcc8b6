using System.Net;
using Microsoft.Extensions.Logging;

namespace Chain.Network.Peers;

/// <summary>The network layer's log lines, source-generated.</summary>
internal static partial class NetworkLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Listening for peers on {EndPoint} as node {NodeId}")]
    public static partial void Listening(this ILogger logger, EndPoint endPoint, string nodeId);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Peer {NodeId} connected ({Direction}, {EndPoint}, height {Height}, agent {UserAgent})")]
    public static partial void PeerConnected(this ILogger logger, string nodeId, string direction, IPEndPoint endPoint, uint height, string userAgent);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Peer {NodeId} ({EndPoint}) disconnected: {Reason}")]
    public static partial void PeerDisconnected(this ILogger logger, string nodeId, IPEndPoint endPoint, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Handshake with {EndPoint} ({Direction}) failed: {Reason}")]
    public static partial void HandshakeFailed(this ILogger logger, EndPoint? endPoint, string direction, string reason);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "{What} from {EndPoint}: {Reason} (more within a minute are counted, not logged)")]
    public static partial void InboundRefused(this ILogger logger, EndPoint? endPoint, string what, string reason);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Peer {NodeId} ({EndPoint}) evicted: its inbound slot goes to {Newcomer}")]
    public static partial void PeerEvicted(this ILogger logger, string nodeId, IPEndPoint endPoint, IPAddress newcomer);

    [LoggerMessage(EventId = 109, Level = LogLevel.Information, Message = "{Count} more \"{What}\" within {Interval}: {Breakdown}")]
    public static partial void RefusalsSummarised(this ILogger logger, int count, string what, TimeSpan interval, string breakdown);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Dialling neighbour {Address} failed: {Reason}; retrying in {Delay}")]
    public static partial void DialFailed(this ILogger logger, PeerAddress address, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Neighbour {Address} is this node itself; it is not dialled again")]
    public static partial void NeighbourIsSelf(this ILogger logger, PeerAddress address);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "Peer {NodeId} failed unexpectedly")]
    public static partial void ConnectionFailed(this ILogger logger, string nodeId, Exception exception);

    [LoggerMessage(EventId = 108, Level = LogLevel.Error, Message = "Accepting peers failed; no longer listening")]
    public static partial void AcceptFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "An observer of peer connections failed (the peer carries on)")]
    public static partial void ObserverFailed(this ILogger logger, Exception exception);
}
