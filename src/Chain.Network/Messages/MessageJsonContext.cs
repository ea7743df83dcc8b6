using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>
/// Source-generated JSON for the messages (no reflection at run time). A property a message does not define, or a
/// property given twice, makes the message invalid (PROTOCOL.md 9.1): unknown properties would let a peer pad any
/// message up to the frame limit at no risk, and duplicates would let it send a list the message then discards.
/// Base64 is read by <see cref="CanonicalBase64Converter"/>: canonical only, as on the fast paths.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    MaxDepth = MessageCodec.MaxJsonDepth,
    AllowOutOfOrderMetadataProperties = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    Converters = [typeof(CanonicalBase64Converter)])]
[JsonSerializable(typeof(Message))]
internal sealed partial class MessageJsonContext : JsonSerializerContext;
