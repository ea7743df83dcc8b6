using System.Text.Json.Serialization;

namespace Chain.Network.Handshake;

/// <summary>Source-generated JSON for the handshake messages.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HandshakeEnvelope))]
[JsonSerializable(typeof(HelloMessage))]
[JsonSerializable(typeof(KeyExchangeMessage))]
[JsonSerializable(typeof(DisconnectMessage))]
internal sealed partial class HandshakeJsonContext : JsonSerializerContext
{
}
