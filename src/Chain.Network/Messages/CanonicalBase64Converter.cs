using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chain.Network.Messages;

/// <summary>
/// Base64 in a message is canonical or the message is invalid (PROTOCOL.md 1): exactly what encoding the bytes
/// gives, no whitespace, padding present, unused trailing bits zero. System.Text.Json's own byte[] reading skips
/// whitespace inside the string, so the generic path would take what the exact-form fast paths refuse; this
/// converter gives every path the one rule of <see cref="Base64Utf8.TryDecodeCanonical(ReadOnlySpan{byte})"/>.
/// A JSON escape inside the string (<c>\u002B</c>) is ordinary JSON and is unescaped first.
/// </summary>
internal sealed class CanonicalBase64Converter : JsonConverter<byte[]>
{
    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("expected a base64 string");
        }

        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            return Base64Utf8.TryDecodeCanonical(reader.ValueSpan) ?? throw new JsonException("not canonical base64");
        }

        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = reader.CopyString(rented);
            return Base64Utf8.TryDecodeCanonical(rented.AsSpan(0, written)) ?? throw new JsonException("not canonical base64");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) =>
        writer.WriteBase64StringValue(value);
}
