using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Chain.Node.Operations;
using Chain.Node.Rpc.Subscriptions;
using Chain.Node.Services;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Rpc;

/// <summary>
/// JSON-RPC 2.0 over the operations: one request or a batch in, the response bytes out (null when every request
/// was a notification). Parameters come by position (the console's order) or by name; a method is an
/// <see cref="OperationCatalog"/> entry of the same name. Nothing a client sends escapes as an exception.
/// </summary>
public sealed partial class RpcDispatcher(NodeOperations operations, NodeMetrics metrics, ILogger<RpcDispatcher> logger)
{
    /// <summary>Requests in one batch at most.</summary>
    public const int MaxBatch = 100;

    /// <summary>Nesting depth of a request at most.</summary>
    public const int MaxDepth = 16;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    private static readonly OperationMethod SendRawMethod = OperationCatalog.Find("sendraw")!;

    // The envelope's names, encoded once: a batch of 50 sendraw writes 200 of them.
    private static readonly JsonEncodedText JsonRpcName = JsonEncodedText.Encode("jsonrpc"), VersionValue = JsonEncodedText.Encode("2.0"),
        ResultName = JsonEncodedText.Encode("result"), IdName = JsonEncodedText.Encode("id"), ErrorName = JsonEncodedText.Encode("error"),
        CodeName = JsonEncodedText.Encode("code"), MessageName = JsonEncodedText.Encode("message");

    /// <summary>The methods served only over a WebSocket, which can carry notifications.</summary>
    public const string Subscribe = "subscribe", Unsubscribe = "unsubscribe";

    /// <summary>Answers <paramref name="body"/> received over HTTP.</summary>
    public Task<byte[]?> HandleAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        HandleAsync(body, null, cancellationToken);

    /// <summary>Answers <paramref name="body"/>; <paramref name="session"/> is the WebSocket it came over (null over HTTP), for <c>subscribe</c>.</summary>
    public async Task<byte[]?> HandleAsync(ReadOnlyMemory<byte> body, WebSocketSession? session, CancellationToken cancellationToken)
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
                    if (!await HandleOneAsync(writer, root, session, null, cancellationToken))
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
                    var requests = root.EnumerateArray().ToArray();
                    SendRawOutcome?[]? submitted = null;
                    var submittedUntil = 0;
                    for (var i = 0; i < requests.Length; i++)
                    {
                        if (i >= submittedUntil && IsSendRaw(requests[i]))
                        {
                            submitted ??= new SendRawOutcome?[requests.Length];
                            submittedUntil = SubmitSendRawRun(requests, i, submitted);
                        }

                        answered |= await HandleOneAsync(writer, requests[i], session, submitted?[i], cancellationToken);
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

    // A run of consecutive sendraw requests in a batch goes to the ledger together (NodeOperations.SendRaw of a list:
    // the signatures verified on every core, the mempool taking them under one lock), with the answers each would have
    // had one after another; the requests around the run still see the ledger as it is at their place. A request of
    // the run that would fail before its operation runs (a bad envelope or parameter) is left out, so it is answered
    // exactly as before. Returns the index after the run; the outcomes go into submitted.
    private int SubmitSendRawRun(JsonElement[] requests, int start, SendRawOutcome?[] submitted)
    {
        var data = new List<byte[]>();
        var positions = new List<int>();
        var end = start;
        for (; end < requests.Length && IsSendRaw(requests[end]); end++)
        {
            if (TryReadSendRaw(requests[end]) is { } bytes)
            {
                data.Add(bytes);
                positions.Add(end);
            }
        }

        if (data.Count > 1)
        {
            var outcomes = operations.SendRaw(data);
            for (var k = 0; k < outcomes.Count; k++)
            {
                submitted[positions[k]] = outcomes[k];
            }
        }

        return end;
    }

    private static bool IsSendRaw(JsonElement request) =>
        request.ValueKind == JsonValueKind.Object && request.TryGetProperty("method", out var name) && name.ValueKind == JsonValueKind.String && name.ValueEquals(SendRawMethod.Name);

    // The transaction bytes of a sendraw request that would reach its operation, else null (answered the usual way).
    private static byte[]? TryReadSendRaw(JsonElement request)
    {
        if (CheckEnvelope(request, out _, out _, out _) is not null)
        {
            return null;
        }

        var parameters = request.TryGetProperty("params", out var given) ? given : default;
        if (SoleHexParameter(parameters) is { ValueKind: JsonValueKind.String } hexElement)
        {
            // The hex straight from the request's UTF-8, without a string of it; one with JSON escapes takes the usual path.
            var raw = JsonMarshal.GetRawUtf8Value(hexElement)[1..^1];
            if (raw.IndexOf((byte)'\\') < 0)
            {
                var bytes = new byte[raw.Length / 2];
                return raw.Length % 2 == 0 && Convert.FromHexString(raw, bytes, out _, out var written) == OperationStatus.Done && written == bytes.Length ? bytes : null;
            }
        }

        try
        {
            var arguments = Bind(SendRawMethod, parameters);
            return arguments["hex"] is { } hex ? OperationParsers.Hex(hex, "transaction") : null;
        }
        catch (OperationException)
        {
            return null;
        }
    }

    // The one parameter of sendraw when given as Bind would take it, by position or by name; default otherwise.
    private static JsonElement SoleHexParameter(JsonElement parameters) => parameters.ValueKind switch
    {
        JsonValueKind.Array when parameters.GetArrayLength() == 1 => parameters[0],
        JsonValueKind.Object when parameters.TryGetProperty("hex", out var hex) && parameters.EnumerateObject().Count() == 1 => hex,
        _ => default,
    };

    // The request's id and method, or why it is not a request (-32600) before any method is looked up; the id is
    // default when it is unusable in the error's answer.
    private static string? CheckEnvelope(JsonElement request, out bool hasId, out JsonElement id, out JsonElement name)
    {
        hasId = false;
        id = default;
        name = default;
        if (request.ValueKind != JsonValueKind.Object)
        {
            return "a request is a JSON object";
        }

        hasId = request.TryGetProperty("id", out id);
        if (hasId && id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
        {
            id = default;
            return "the id must be a string, a number or null";
        }

        if (!request.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || !version.ValueEquals("2.0"))
        {
            return "the request must have \"jsonrpc\": \"2.0\"";
        }

        if (!request.TryGetProperty("method", out name) || name.ValueKind != JsonValueKind.String)
        {
            return "the request must name its method as a string";
        }

        return null;
    }

    // Writes the response to one request; false for a notification (no id), which gets none. Counted by method
    // (a name outside the catalog as "unknown", so clients cannot mint label values) and outcome. A sendraw already
    // submitted with its run (SubmitSendRawRun) comes with its outcome.
    private async Task<bool> HandleOneAsync(Utf8JsonWriter writer, JsonElement request, WebSocketSession? session, SendRawOutcome? submitted, CancellationToken cancellationToken)
    {
        var outcome = new StrongBox<int?>();
        var answered = await HandleOneUncountedAsync(writer, request, session, submitted, outcome, cancellationToken);
        var method = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("method", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()!
            : null;
        var known = method is Subscribe or Unsubscribe || (method is not null && OperationCatalog.Find(method) is { ConsoleOnly: false } found && found.Name == method);
        metrics.RpcRequest(known ? method! : "unknown", outcome.Value?.ToString(CultureInfo.InvariantCulture) ?? "ok");
        return answered;
    }

    private async Task<bool> HandleOneUncountedAsync(Utf8JsonWriter writer, JsonElement request, WebSocketSession? session, SendRawOutcome? submitted, StrongBox<int?> outcome, CancellationToken cancellationToken)
    {
        if (CheckEnvelope(request, out var hasId, out var id, out var name) is { } invalid)
        {
            WriteError(outcome, writer, id, RpcErrorCodes.InvalidRequest, invalid);
            return true;
        }

        var methodName = name.GetString()!;
        if (methodName is Subscribe or Unsubscribe)
        {
            HandleSubscription(outcome, writer, methodName, hasId ? id : null, request.TryGetProperty("params", out var subscriptionParams) ? subscriptionParams : default, session);
            return hasId;
        }

        var method = OperationCatalog.Find(methodName);
        if (method is null || method.ConsoleOnly || !string.Equals(method.Name, methodName, StringComparison.Ordinal))
        {
            if (hasId)
            {
                WriteError(outcome, writer, id, RpcErrorCodes.MethodNotFound, $"no method '{methodName}' (call help for the list)");
            }

            return hasId;
        }

        try
        {
            var result = submitted is { } done
                ? done.Answer ?? throw done.Error!
                : await method.CallAsync(operations, Bind(method, request.TryGetProperty("params", out var parameters) ? parameters : default), cancellationToken);
            if (hasId)
            {
                writer.WriteStartObject();
                writer.WriteString(JsonRpcName, VersionValue);
                writer.WritePropertyName(ResultName);
                JsonSerializer.Serialize(writer, result, RpcJsonContext.Default.GetTypeInfo(result.GetType())!);
                writer.WritePropertyName(IdName);
                id.WriteTo(writer);
                writer.WriteEndObject();
            }
        }
        catch (OperationException e) when (hasId)
        {
            WriteError(outcome, writer, id, e.Error switch
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
                WriteError(outcome, writer, id, RpcErrorCodes.InternalError, $"{methodName} failed inside the node: {e.Message}");
            }
        }

        return hasId;
    }

    // subscribe ["tips"] answers the subscription id, unsubscribe ["<id>"] whether it ended one; over a WebSocket only.
    private static void HandleSubscription(StrongBox<int?> outcome, Utf8JsonWriter writer, string methodName, JsonElement? id, JsonElement parameters, WebSocketSession? session)
    {
        if (session is null)
        {
            if (id is { } httpId)
            {
                WriteError(outcome, writer, httpId, RpcErrorCodes.MethodNotFound, $"{methodName} is served over the WebSocket only (ws://<host:port>/), where notifications can follow");
            }

            return;
        }

        string? argument;
        try
        {
            argument = BindOne(methodName, methodName == Subscribe ? "topic" : "subscription", parameters);
        }
        catch (OperationException e)
        {
            if (id is { } badId)
            {
                WriteError(outcome, writer, badId, RpcErrorCodes.InvalidParams, e.Message);
            }

            return;
        }

        try
        {
            if (methodName == Subscribe)
            {
                var subscription = session.Subscribe(argument);
                if (id is { } subscribeId)
                {
                    WriteResult(writer, subscribeId, w => w.WriteStringValue(subscription));
                }
                else
                {
                    // A notification asked for it, so no answer names it: nobody could ever unsubscribe it.
                    session.Unsubscribe(subscription);
                }
            }
            else
            {
                var ended = session.Unsubscribe(argument);
                if (id is { } unsubscribeId)
                {
                    WriteResult(writer, unsubscribeId, w => w.WriteBooleanValue(ended));
                }
            }
        }
        catch (OperationException e) when (id is not null)
        {
            WriteError(outcome, writer, id.Value, e.Error == OperationError.InvalidParams ? RpcErrorCodes.InvalidParams : RpcErrorCodes.Failed, e.Message);
        }
        catch (OperationException)
        {
        }
    }

    // The one string parameter of subscribe and unsubscribe, by position or by name.
    private static string? BindOne(string methodName, string parameterName, JsonElement parameters)
    {
        var usage = $"usage: {methodName} <{parameterName}>";
        JsonElement value;
        if (parameters.ValueKind == JsonValueKind.Array && parameters.GetArrayLength() == 1)
        {
            value = parameters[0];
        }
        else if (parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(parameterName, out var named) && parameters.EnumerateObject().Count() == 1)
        {
            value = named;
        }
        else
        {
            throw OperationException.Invalid(usage);
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw OperationException.Invalid($"{parameterName} must be a string: {usage}");
    }

    private static void WriteResult(Utf8JsonWriter writer, JsonElement id, Action<Utf8JsonWriter> writeResult)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonRpcName, VersionValue);
        writer.WritePropertyName(ResultName);
        writeResult(writer);
        writer.WritePropertyName(IdName);
        id.WriteTo(writer);
        writer.WriteEndObject();
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

    private static void WriteError(StrongBox<int?> outcome, Utf8JsonWriter writer, JsonElement id, int code, string message)
    {
        outcome.Value = code;
        WriteError(writer, id, code, message);
    }

    private static void WriteError(Utf8JsonWriter writer, JsonElement id, int code, string message)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonRpcName, VersionValue);
        writer.WriteStartObject(ErrorName);
        writer.WriteNumber(CodeName, code);
        writer.WriteString(MessageName, message);
        writer.WriteEndObject();
        writer.WritePropertyName(IdName);
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
