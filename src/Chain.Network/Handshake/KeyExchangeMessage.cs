using System.Text.Json.Serialization;

namespace Chain.Network.Handshake;

/// <summary>The plaintext key exchange: an OAEP-encrypted secret and a signature over the transcript.</summary>
internal sealed class KeyExchangeMessage
{
    /// <summary>The <c>type</c> value of a key exchange.</summary>
    public const string TypeName = "kex";

    [JsonPropertyName("type")]
    public string? Type { get; set; } = TypeName;

    [JsonPropertyName("secret")]
    public string? Secret { get; set; }

    [JsonPropertyName("signature")]
    public string? Signature { get; set; }
}
