using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Chain.Cli;
using Chain.Node.Console;
using Chain.Node.Operations;
using Chain.Node.Rpc;

// chain-cli: one console command line in, the console's answer out, through the node's JSON-RPC API.
if (args.Length == 0 || args[0] is "--help" or "-h")
{
    Console.Out.Write(CliOptions.Usage);
    return args.Length == 0 ? 2 : 0;
}

if (args[0] == "rpcauth")
{
    if (args.Length != 2 || args[1].Length == 0 || args[1].Contains(':', StringComparison.Ordinal) || args[1].Contains(',', StringComparison.Ordinal))
    {
        Console.Error.WriteLine("error: usage: chain-cli rpcauth <user> (a name without ':' or ',')");
        return 2;
    }

    var (line, password) = RpcUser.Create(args[1]);
    Console.Out.WriteLine($"--rpc-auth '{line}'");
    Console.Out.WriteLine($"password: {password}");
    return 0;
}

var (options, usageError) = CliOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine($"error: {usageError} (see --help)");
    return 2;
}

ConsoleCall? call;
try
{
    call = ConsoleGrammar.Parse(options.CommandLine);
}
catch (OperationException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

if (call is null || call.Method.ConsoleOnly)
{
    Console.Error.WriteLine($"error: '{options.CommandLine}' is only for the node's own console");
    return 2;
}

string credentials;
try
{
    if (options.RpcUser is not null)
    {
        var password = Environment.GetEnvironmentVariable(CliOptions.PasswordVariable);
        if (string.IsNullOrEmpty(password))
        {
            Console.Error.WriteLine($"error: --rpc-user needs the password in {CliOptions.PasswordVariable}");
            return 2;
        }

        credentials = $"{options.RpcUser}:{password}";
    }
    else
    {
        credentials = RpcCookie.Read(options.DataDir);
    }
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: cannot read the cookie in {options.DataDir} (is the node running with that --data-dir?): {e.Message}");
    return 2;
}

var request = new ArrayBufferWriter<byte>();
using (var writer = new Utf8JsonWriter(request))
{
    writer.WriteStartObject();
    writer.WriteString("jsonrpc", "2.0");
    writer.WriteNumber("id", 1);
    writer.WriteString("method", call.Method.Name);
    writer.WriteStartObject("params");
    foreach (var (name, value) in call.Arguments.Values)
    {
        writer.WriteString(name, value);
    }

    writer.WriteEndObject();
    writer.WriteEndObject();
}

using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
string body;
try
{
    using var content = new ByteArrayContent(request.WrittenSpan.ToArray());
    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
    using var response = await client.PostAsync(new Uri($"http://{options.Host}:{options.RpcPort}/"), content);
    if (!response.IsSuccessStatusCode)
    {
        Console.Error.WriteLine($"error: the node answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        return 3;
    }

    body = await response.Content.ReadAsStringAsync();
}
catch (HttpRequestException e)
{
    Console.Error.WriteLine($"error: cannot reach the node's API at {options.Host}:{options.RpcPort}: {e.Message}");
    return 3;
}

using var answer = JsonDocument.Parse(body);
if (answer.RootElement.TryGetProperty("error", out var error))
{
    if (options.Json)
    {
        Console.Out.WriteLine(error.GetRawText());
    }

    Console.Error.WriteLine($"error: {error.GetProperty("message").GetString()}");
    return 1;
}

var result = answer.RootElement.GetProperty("result");
var output = AnswerOutput.Open();
if (options.Json)
{
    output.WriteLine(result.GetRawText());
}
else
{
    var type = call.Method.ResultTypeOf(call.Arguments);
    ConsoleFormatter.Write(result.Deserialize(RpcJsonContext.Default.GetTypeInfo(type)!)!, output);
}

output.Flush();
return 0;
