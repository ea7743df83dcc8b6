namespace Chain.Node.Console;

/// <summary>
/// The console command now running, so that Ctrl+C can cancel it (a long <c>mine</c>, a <c>connect</c> to a silent
/// endpoint) instead of stopping the node. <see cref="ConsoleService"/> begins and ends each command;
/// <see cref="Services.NodeLifetime"/> asks to cancel on SIGINT.
/// </summary>
public sealed class CommandInterrupt
{
    private readonly Lock _gate = new();
    private CancellationTokenSource? _running;

    /// <summary>A token for the next command, cancelled by <see cref="TryCancel"/> or by <paramref name="stopping"/>; pass it to <see cref="End"/>.</summary>
    public CancellationTokenSource Begin(CancellationToken stopping)
    {
        var command = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        lock (_gate)
        {
            _running = command;
        }

        return command;
    }

    /// <summary>The command finished.</summary>
    public void End(CancellationTokenSource command)
    {
        lock (_gate)
        {
            if (_running == command)
            {
                _running = null;
            }
        }

        command.Dispose();
    }

    /// <summary>Cancels the running command; false when none runs.</summary>
    public bool TryCancel()
    {
        lock (_gate)
        {
            if (_running is null)
            {
                return false;
            }

            _running.Cancel();
            _running = null;
            return true;
        }
    }
}
