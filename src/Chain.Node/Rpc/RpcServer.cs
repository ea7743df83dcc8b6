using System.Net;
using System.Net.WebSockets;
using Chain.Node.Configuration;
using Chain.Node.Explorer;
using Chain.Node.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chain.Node.Rpc;

/// <summary>
/// Serves the JSON-RPC API on Kestrel inside the node's process: HTTP POST to <c>/</c> and WebSocket on <c>/</c>,
/// every request authenticated by the cookie (<see cref="RpcCookie"/>). Listens on loopback by default; the cookie
/// is written when it starts listening and removed when it stops.
/// </summary>
public sealed partial class RpcServer(RpcDispatcher dispatcher, ExplorerSite explorer, DataFolder folder, IOptions<NodeOptions> options, ILogger<RpcServer> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>Bytes of one request body (or WebSocket message) at most; larger gets HTTP 413 (or closes the socket).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Connections open at once at most; more are refused by Kestrel.</summary>
    public const int MaxConnections = 128;

    private WebApplication? _app;
    private RpcCookie? _cookie;
    private RpcAuthenticator? _authenticator;

    /// <summary>Where the API listens, once started (<c>ip:port</c>).</summary>
    public string? Endpoint { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.NoRpc)
        {
            return;
        }

        _cookie = RpcCookie.Create(folder.Path);
        _authenticator = new RpcAuthenticator(_cookie.Credentials);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = folder.Path });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
            kestrel.Limits.MaxConcurrentConnections = MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = MaxConnections;
            kestrel.Listen(IPAddress.Parse(settings.RpcBind), settings.ResolvedRpcPort);
        });
        _app = builder.Build();
        _app.UseWebSockets();
        _app.Use(explorer.Middleware);
        _app.Run(HandleAsync);
        await _app.StartAsync(cancellationToken);
        Endpoint = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.Replace("http://", string.Empty, StringComparison.Ordinal);
        LogListening(logger, Endpoint ?? "?", _cookie.Path);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }

        _cookie?.Delete();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!_authenticator!.IsAuthorized(context.Request.Headers.Authorization))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"chain\"";
            return;
        }

        if (context.WebSockets.IsWebSocketRequest)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await ServeWebSocketAsync(socket, context.RequestAborted);
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return;
        }

        byte[] body;
        try
        {
            using var copy = new MemoryStream();
            await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
            body = copy.ToArray();
        }
        catch (BadHttpRequestException e)
        {
            context.Response.StatusCode = e.StatusCode;
            return;
        }

        var answer = await dispatcher.HandleAsync(body, context.RequestAborted);
        if (answer is null)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = answer.Length;
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }

    private async Task ServeWebSocketAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                message.SetLength(0);
                WebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(buffer, cancellationToken);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                        return;
                    }

                    if (message.Length + received.Count > MaxBodyBytes)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, $"a message holds at most {MaxBodyBytes} bytes", cancellationToken);
                        return;
                    }

                    message.Write(buffer, 0, received.Count);
                }
                while (!received.EndOfMessage);

                var answer = await dispatcher.HandleAsync(message.ToArray(), cancellationToken);
                if (answer is not null)
                {
                    await socket.SendAsync(answer, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The client left or the node is stopping: nothing to answer.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "JSON-RPC API listening on {EndPoint} (cookie {CookiePath})")]
    private static partial void LogListening(ILogger logger, string endPoint, string cookiePath);
}
