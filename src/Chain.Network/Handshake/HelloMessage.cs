using System.Text.Json.Serialization;

namespace Chain.Network.Handshake;

/// <summary>The plaintext hello, as JSON (field names in PROTOCOL.md).</summary>
internal sealed class HelloMessage
{
    /// <summary>The <c>type</c> value of a hello.</summary>
    public const string TypeName = "hello";

    [JsonPropertyName("type")]
    public string? Type { get; set; } = TypeName;

    [JsonPropertyName("version")]
    public int Version { get; set; }

    [JsonPropertyName("magic")]
    public uint Magic { get; set; }

    [JsonPropertyName("genesis")]
    public string? Genesis { get; set; }

    [JsonPropertyName("nodeKey")]
    public string? NodeKey { get; set; }

    [JsonPropertyName("nodeId")]
    public string? NodeId { get; set; }

    [JsonPropertyName("listenPort")]
    public int ListenPort { get; set; }

    [JsonPropertyName("bestHeight")]
    public uint BestHeight { get; set; }

    [JsonPropertyName("cumulativeWork")]
    public string? CumulativeWork { get; set; }

    [JsonPropertyName("userAgent")]
    public string? UserAgent { get; set; }

    [JsonPropertyName("ephemeralKey")]
    public string? EphemeralKey { get; set; }

    [JsonPropertyName("nonce")]
    public string? Nonce { get; set; }
}
