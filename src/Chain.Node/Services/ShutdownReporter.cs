using Chain.Core.Ledger;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Services;

/// <summary>
/// Logs what a clean shutdown (Ctrl+C, SIGTERM or <c>quit</c>) does: before the services stop, the peers about to be
/// told; after they stopped, that they were told and the height that is on disk.
/// </summary>
public sealed partial class ShutdownReporter(IPeerDirectory peers, MiningControl mining, Blockchain chain, DataFolder data, ILogger<ShutdownReporter> logger) : IHostedLifecycleService
{
    private int _peersAtStop;

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _peersAtStop = peers.Peers.Count;
        LogStopping(logger, mining.IsOn ? "on" : "off", _peersAtStop);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        LogStopped(logger, _peersAtStop, peers.Peers.Count, chain.Tip.Height, data.Blocks.FilePath);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: stopping the miner (mining={Mining}), saving pending transactions, telling {Peers} peers")]
    private static partial void LogStopping(ILogger logger, string mining, int peers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shut down: told {Peers} peers the node is shutting down ({Left} still connected); height {Height} is on disk in {File}")]
    private static partial void LogStopped(ILogger logger, int peers, int left, uint height, string file);
}
