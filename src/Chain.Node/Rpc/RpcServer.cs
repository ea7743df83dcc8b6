using System.Buffers;
using System.Net;
using Chain.Node.Configuration;
using Chain.Node.Explorer;
using Chain.Node.Rpc.Subscriptions;
using Chain.Node.Services;
using OpenTelemetry.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chain.Node.Rpc;

/// <summary>
/// Serves the JSON-RPC API on Kestrel inside the node's process: HTTP POST to <c>/</c> and WebSocket on <c>/</c>,
/// every request authenticated by the cookie (<see cref="RpcCookie"/>). Listens on loopback by default; the cookie
/// is written when it starts listening and removed when it stops. A WebSocket also carries subscriptions
/// (<see cref="WebSocketSession"/>).
/// </summary>
public sealed partial class RpcServer(
    RpcDispatcher dispatcher,
    ExplorerSite explorer,
    SubscriptionHub hub,
    DataFolder folder,
    IOptions<NodeOptions> options,
    TimeProvider time,
    ILogger<RpcServer> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>The query parameter that may carry the cookie's secret on a WebSocket upgrade (browsers cannot set its headers).</summary>
    public const string TokenParameter = "token";

    /// <summary>Where the metrics are served, in Prometheus's text format.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Bytes of one request body (or WebSocket message) at most; larger gets HTTP 413 (or closes the socket).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Connections open at once at most; more are refused by Kestrel.</summary>
    public const int MaxConnections = 128;

    private readonly CancellationTokenSource _stopping = new();
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
        _authenticator = new RpcAuthenticator(_cookie.Credentials, [.. settings.RpcAuthList.Select(line => RpcUser.Parse(line, out _)!)]);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = folder.Path });
        builder.Logging.ClearProviders();
        // OpenTelemetry's Prometheus exporter reads every meter of the process (the node's, the ledger's, the peer
        // layer's) when /metrics is scraped; no cached answer, so a scrape shows what is true now.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter([.. NodeMetrics.AllMeters])
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
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
        _app.Use(RequireCredentialsForMetrics);
        _app.UseOpenTelemetryPrometheusScrapingEndpoint(MetricsPath);
        _app.Use(explorer.Middleware);
        _app.Run(HandleAsync);
        await _app.StartAsync(cancellationToken);
        Endpoint = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.Replace("http://", string.Empty, StringComparison.Ordinal);
        LogListening(logger, Endpoint ?? "?", _cookie.Path);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // WebSocket clients are told first: Kestrel's stop waits for their handlers to end.
        await _stopping.CancelAsync();
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

        _stopping.Dispose();
    }

    // /metrics answers only what the API would: the same credentials (header only; the URL token opens the WebSocket).
    private Task RequireCredentialsForMetrics(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments(MetricsPath, StringComparison.Ordinal) && !_authenticator!.IsAuthorized(context.Request.Headers.Authorization))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"chain\"";
            return Task.CompletedTask;
        }

        return next(context);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var isWebSocket = context.WebSockets.IsWebSocketRequest;
        if (!_authenticator!.IsAuthorized(context.Request.Headers.Authorization)
            && !(isWebSocket && _authenticator.IsAuthorizedToken(context.Request.Query[TokenParameter])))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"chain\"";
            return;
        }

        if (isWebSocket)
        {
            // Kestrel would reset a WebSocket whose client reads slower than its minimum rate, without a word; the
            // session drops a slow subscriber itself, with a close frame that says why.
            if (context.Features.Get<IHttpMinResponseDataRateFeature>() is { } rate)
            {
                rate.MinDataRate = null;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var remote = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
            await new WebSocketSession(socket, remote, dispatcher, hub, time, logger).RunAsync(_stopping.Token, context.RequestAborted);
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return;
        }

        // A body whose length is announced (every client we know) is read into a pooled buffer of that size: a copy
        // through a growing MemoryStream cost two or three arrays per request, for a batch of sendraw 64 KB and more.
        var length = context.Request.ContentLength;
        byte[]? rented = null;
        byte[]? answer;
        try
        {
            ReadOnlyMemory<byte> body;
            try
            {
                if (length is > 0 and <= MaxBodyBytes)
                {
                    rented = ArrayPool<byte>.Shared.Rent((int)length.Value);
                    var read = 0;
                    int got;
                    while (read < length && (got = await context.Request.Body.ReadAsync(rented.AsMemory(read, (int)length.Value - read), context.RequestAborted)) > 0)
                    {
                        read += got;
                    }

                    body = rented.AsMemory(0, read);
                }
                else
                {
                    using var copy = new MemoryStream();
                    await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
                    body = copy.ToArray();
                }
            }
            catch (BadHttpRequestException e)
            {
                context.Response.StatusCode = e.StatusCode;
                return;
            }

            answer = await dispatcher.HandleAsync(body, context.RequestAborted);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        if (answer is null)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = answer.Length;
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "JSON-RPC API listening on {EndPoint} (cookie {CookiePath})")]
    private static partial void LogListening(ILogger logger, string endPoint, string cookiePath);
}
