using System.Text.Json.Serialization;

namespace Chain.Network.Handshake;

/// <summary>Just the <c>type</c> field of a handshake frame, read first to pick the message.</summary>
internal sealed class HandshakeEnvelope
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }
}
