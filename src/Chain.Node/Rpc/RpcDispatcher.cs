using System.Buffers;
using System.Text.Json;
using Chain.Node.Operations;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Rpc;

/// <summary>
/// JSON-RPC 2.0 over the operations: one request or a batch in, the response bytes out (null when every request
/// was a notification). Parameters come by position (the console's order) or by name; a method is an
/// <see cref="OperationCatalog"/> entry of the same name. Nothing a client sends escapes as an exception.
/// </summary>
public sealed partial class RpcDispatcher(NodeOperations operations, ILogger<RpcDispatcher> logger)
{
    /// <summary>Requests in one batch at most.</summary>
    public const int MaxBatch = 100;

    /// <summary>Nesting depth of a request at most.</summary>
    public const int MaxDepth = 16;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    /// <summary>Answers <paramref name="body"/>.</summary>
    public async Task<byte[]?> HandleAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body, DocumentOptions);
            }
            catch (JsonException e)
            {
                WriteError(writer, default, RpcErrorCodes.ParseError, $"the request is not JSON: {e.Message}");
                writer.Flush();
                return buffer.WrittenSpan.ToArray();
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Array)
                {
                    if (!await HandleOneAsync(writer, root, cancellationToken))
                    {
                        return null;
                    }
                }
                else if (root.GetArrayLength() is 0 or > MaxBatch)
                {
                    WriteError(writer, default, RpcErrorCodes.InvalidRequest, $"a batch holds 1 to {MaxBatch} requests");
                }
                else
                {
                    var answered = false;
                    writer.WriteStartArray();
                    foreach (var request in root.EnumerateArray())
                    {
                        answered |= await HandleOneAsync(writer, request, cancellationToken);
                    }

                    writer.WriteEndArray();
                    if (!answered)
                    {
                        return null;
                    }
                }
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    // Writes the response to one request; false for a notification (no id), which gets none.
    private async Task<bool> HandleOneAsync(Utf8JsonWriter writer, JsonElement request, CancellationToken cancellationToken)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            WriteError(writer, default, RpcErrorCodes.InvalidRequest, "a request is a JSON object");
            return true;
        }

        var hasId = request.TryGetProperty("id", out var id);
        if (hasId && id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
        {
            WriteError(writer, default, RpcErrorCodes.InvalidRequest, "the id must be a string, a number or null");
            return true;
        }

        if (!request.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0")
        {
            WriteError(writer, id, RpcErrorCodes.InvalidRequest, "the request must have \"jsonrpc\": \"2.0\"");
            return true;
        }

        if (!request.TryGetProperty("method", out var name) || name.ValueKind != JsonValueKind.String)
        {
            WriteError(writer, id, RpcErrorCodes.InvalidRequest, "the request must name its method as a string");
            return true;
        }

        var methodName = name.GetString()!;
        var method = OperationCatalog.Find(methodName);
        if (method is null || method.ConsoleOnly || !string.Equals(method.Name, methodName, StringComparison.Ordinal))
        {
            if (hasId)
            {
                WriteError(writer, id, RpcErrorCodes.MethodNotFound, $"no method '{methodName}' (call help for the list)");
            }

            return hasId;
        }

        try
        {
            var arguments = Bind(method, request.TryGetProperty("params", out var parameters) ? parameters : default);
            var result = await method.CallAsync(operations, arguments, cancellationToken);
            if (hasId)
            {
                writer.WriteStartObject();
                writer.WriteString("jsonrpc", "2.0");
                writer.WritePropertyName("result");
                JsonSerializer.Serialize(writer, result, RpcJsonContext.Default.GetTypeInfo(result.GetType())!);
                writer.WritePropertyName("id");
                id.WriteTo(writer);
                writer.WriteEndObject();
            }
        }
        catch (OperationException e) when (hasId)
        {
            WriteError(writer, id, e.Error switch
            {
                OperationError.InvalidParams => RpcErrorCodes.InvalidParams,
                OperationError.NotFound => RpcErrorCodes.NotFound,
                OperationError.Refused => RpcErrorCodes.Refused,
                _ => RpcErrorCodes.Failed,
            }, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationException)
        {
            // A notification gets no answer, not even an error.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogMethodFailed(logger, methodName, e);
            if (hasId)
            {
                WriteError(writer, id, RpcErrorCodes.InternalError, $"{methodName} failed inside the node: {e.Message}");
            }
        }

        return hasId;
    }

    /// <summary>The parameters of a request as the method's arguments: an array by position, an object by name.</summary>
    public static OperationArguments Bind(OperationMethod method, JsonElement parameters)
    {
        var values = new Dictionary<string, string>();
        switch (parameters.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                break;
            case JsonValueKind.Array:
                if (parameters.GetArrayLength() > method.Parameters.Count)
                {
                    throw OperationException.Invalid($"{method.Name} takes at most {method.Parameters.Count} parameters: {method.Usage}");
                }

                var index = 0;
                foreach (var value in parameters.EnumerateArray())
                {
                    Add(values, method.Parameters[index++].Name, value);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in parameters.EnumerateObject())
                {
                    var parameter = method.Parameters.FirstOrDefault(p => p.Name == property.Name)
                        ?? throw OperationException.Invalid($"{method.Name} has no parameter '{property.Name}': {method.Usage}");
                    Add(values, parameter.Name, property.Value);
                }

                break;
            default:
                throw OperationException.Invalid("params must be an array (by position) or an object (by name)");
        }

        return new OperationArguments(values);
    }

    private static void Add(Dictionary<string, string> values, string name, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                values[name] = value.GetString()!;
                break;
            case JsonValueKind.Number:
                values[name] = value.GetRawText();
                break;
            case JsonValueKind.True or JsonValueKind.False:
                values[name] = value.ValueKind == JsonValueKind.True ? "true" : "false";
                break;
            case JsonValueKind.Null:
                break;
            default:
                throw OperationException.Invalid($"parameter '{name}' must be a string, a number or a boolean");
        }
    }

    private static void WriteError(Utf8JsonWriter writer, JsonElement id, int code, string message)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WriteStartObject("error");
        writer.WriteNumber("code", code);
        writer.WriteString("message", message);
        writer.WriteEndObject();
        writer.WritePropertyName("id");
        if (id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
        {
            id.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteEndObject();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "JSON-RPC method {Method} failed")]
    private static partial void LogMethodFailed(ILogger logger, string method, Exception exception);
}
