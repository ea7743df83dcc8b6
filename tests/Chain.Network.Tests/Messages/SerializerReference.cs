using System.Text.Json;
using Chain.Network.Messages;

namespace Chain.Network.Tests.Messages;

/// <summary>The plain System.Text.Json form of messages, which every exact-form codec is checked against.</summary>
internal static class SerializerReference
{
    public static byte[] Serialize(Message message) => JsonSerializer.SerializeToUtf8Bytes(message, MessageJsonContext.Default.Message);

    /// <summary>What the serializer reads from <paramref name="payload"/>; null where it refuses it as JSON.</summary>
    public static Message? DeserializeOrNull(byte[] payload)
    {
        try
        {
            return JsonSerializer.Deserialize(payload, MessageJsonContext.Default.Message);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
