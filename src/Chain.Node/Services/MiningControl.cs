namespace Chain.Node.Services;

/// <summary>The switch between the console's <c>mining on|off</c> and the background miner.</summary>
public sealed class MiningControl
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _enabled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _disabled = new();

    /// <summary>Whether continuous mining is on.</summary>
    public bool IsOn { get; private set; }

    /// <summary>Turns continuous mining on or off.</summary>
    public void Set(bool on)
    {
        lock (_lock)
        {
            if (on == IsOn)
            {
                return;
            }

            IsOn = on;
            if (on)
            {
                _disabled = new CancellationTokenSource();
                _enabled.TrySetResult();
            }
            else
            {
                _enabled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _disabled.Cancel();
            }
        }
    }

    /// <summary>Waits until mining is on; returns a token that fires when it is turned off.</summary>
    public async Task<CancellationToken> WaitUntilOnAsync(CancellationToken cancellationToken)
    {
        Task enabled;
        lock (_lock)
        {
            if (IsOn)
            {
                return _disabled.Token;
            }

            enabled = _enabled.Task;
        }

        await enabled.WaitAsync(cancellationToken);
        lock (_lock)
        {
            return _disabled.Token;
        }
    }
}
