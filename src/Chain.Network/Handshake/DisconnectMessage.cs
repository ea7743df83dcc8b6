using System.Text.Json.Serialization;

namespace Chain.Network.Handshake;

/// <summary>A plaintext refusal sent during the handshake instead of the next expected message.</summary>
internal sealed class DisconnectMessage
{
    /// <summary>The <c>type</c> value of a disconnect.</summary>
    public const string TypeName = "disconnect";

    [JsonPropertyName("type")]
    public string? Type { get; set; } = TypeName;

    [JsonPropertyName("reason")]
    public string? Reason { get; set; }
}
