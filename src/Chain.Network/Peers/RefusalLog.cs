using System.Net;
using Microsoft.Extensions.Logging;

namespace Chain.Network.Peers;

/// <summary>
/// Logs refused inbound connections (or failed inbound handshakes) without letting a flood of them flood the log:
/// the first one after a quiet <see cref="Interval"/> is logged as it happens, the others within the interval are only
/// counted by reason and summed up in one line with the next one logged. At most two lines per interval, whatever
/// a peer does. Thread-safe; time from the injected clock.
/// </summary>
internal sealed class RefusalLog(ILogger logger, TimeProvider time, string what)
{
    /// <summary>Shortest time between two refusals logged one by one.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    // Reasons are few (named constants and short handshake errors), but a peer's text could vary: cap the breakdown.
    private const int MaxReasons = 16;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _suppressed = new(StringComparer.Ordinal);
    private long _lastLogged;
    private bool _loggedOnce;
    private int _suppressedTotal;

    /// <summary>Lines written so far, for tests.</summary>
    public int LinesWritten { get; private set; }

    /// <summary>Records one refusal of <paramref name="endPoint"/> for <paramref name="reason"/>.</summary>
    public void Record(EndPoint? endPoint, string reason)
    {
        var now = time.GetTimestamp();
        int total;
        string? breakdown = null;
        lock (_gate)
        {
            if (_loggedOnce && time.GetElapsedTime(_lastLogged, now) < Interval)
            {
                _suppressedTotal++;
                if (_suppressed.ContainsKey(reason) || _suppressed.Count < MaxReasons)
                {
                    _suppressed[reason] = _suppressed.GetValueOrDefault(reason) + 1;
                }

                return;
            }

            total = _suppressedTotal;
            if (total > 0)
            {
                breakdown = string.Join(", ", _suppressed.OrderByDescending(e => e.Value).Select(e => $"{e.Value} {e.Key}"));
            }

            _suppressed.Clear();
            _suppressedTotal = 0;
            _lastLogged = now;
            _loggedOnce = true;
            LinesWritten += total > 0 ? 2 : 1;
        }

        if (breakdown is not null)
        {
            logger.RefusalsSummarised(total, what, Interval, breakdown);
        }

        logger.InboundRefused(endPoint, what, reason);
    }
}
