using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>Keepalive; answered by a <c>pong</c> with the same nonce.</summary>
public sealed record PingMessage(ulong Nonce) : Message
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "ping";
}
