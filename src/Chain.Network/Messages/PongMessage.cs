using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>The answer to a <c>ping</c>.</summary>
public sealed record PongMessage(ulong Nonce) : Message
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => "pong";
}
