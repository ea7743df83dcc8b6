using Chain.Node.Rpc;
using Chain.Node.Services;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Explorer;

/// <summary>
/// Logs, once the API listens, the explorer's address with the cookie's secret as its token
/// (<c>http://127.0.0.1:8070/?token=…</c>), as Jupyter prints its URL: whoever can read the node's log or its data
/// folder can open the page; the page keeps the token for the browser tab and takes it out of the address bar.
/// Registered after <see cref="RpcServer"/>, so it starts once the API listens.
/// </summary>
public sealed partial class ExplorerAnnouncement(RpcServer server, DataFolder folder, ILogger<ExplorerAnnouncement> logger) : IHostedService
{
    /// <summary>The query parameter that carries the token.</summary>
    public const string TokenParameter = "token";

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (server.Endpoint is not { } endpoint)
        {
            return Task.CompletedTask; // --no-rpc: no API, no page.
        }

        var credentials = File.Exists(Path.Combine(folder.Path, RpcCookie.FileName)) ? RpcCookie.Read(folder.Path) : null;
        var secret = credentials?[(credentials.IndexOf(':', StringComparison.Ordinal) + 1)..];
        LogExplorer(logger, secret is null ? $"http://{endpoint}/" : $"http://{endpoint}/?{TokenParameter}={secret}");
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Explorer: {Url}")]
    private static partial void LogExplorer(ILogger logger, string url);
}
