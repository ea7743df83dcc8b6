using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>Source-generated JSON for the messages (no reflection at run time).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    MaxDepth = MessageCodec.MaxJsonDepth,
    AllowOutOfOrderMetadataProperties = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(Message))]
internal sealed partial class MessageJsonContext : JsonSerializerContext;
