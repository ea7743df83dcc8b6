using System.Runtime.InteropServices;
using Chain.Node.Console;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Services;

/// <summary>
/// The host's lifetime in place of .NET's ConsoleLifetime (which prints hosting boilerplate and always stops on
/// Ctrl+C): SIGINT cancels the console command that is running, if any, and otherwise stops the node; SIGTERM and
/// SIGQUIT always stop it.
/// </summary>
public sealed partial class NodeLifetime(IHostApplicationLifetime lifetime, CommandInterrupt interrupt, ILogger<NodeLifetime> logger) : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    /// <inheritdoc />
    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStop));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnStop));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void OnInterrupt(PosixSignalContext context)
    {
        context.Cancel = true;
        if (interrupt.TryCancel())
        {
            LogCommandCancelled(logger);
            return;
        }

        lifetime.StopApplication();
    }

    private void OnStop(PosixSignalContext context)
    {
        context.Cancel = true;
        lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ctrl+C cancelled the running command; Ctrl+C with no command running stops the node")]
    private static partial void LogCommandCancelled(ILogger logger);
}
