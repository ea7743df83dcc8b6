using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Chain.Node.Logging;

/// <summary>
/// The node's log line: UTC time with the date, a four-letter level and the message
/// (<c>2026-12-05T15:00:00Z info  Listening for peers on …</c>); the category only on debug and trace lines, where a
/// developer wants to know which class spoke; no event ids; an exception's text on the lines after. The log file
/// (<see cref="FileLoggerProvider"/>) writes the same lines.
/// </summary>
public sealed class NodeLogFormatter() : ConsoleFormatter(FormatterName)
{
    /// <summary>The formatter's name for <see cref="ConsoleLoggerOptions.FormatterName"/>.</summary>
    public const string FormatterName = "chain";

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        WriteLine(textWriter, DateTimeOffset.UtcNow, logEntry.LogLevel, logEntry.Category, message ?? string.Empty, logEntry.Exception);
    }

    /// <summary>Writes one entry in the node's form.</summary>
    public static void WriteLine(TextWriter output, DateTimeOffset time, LogLevel level, string category, string message, Exception? exception)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        output.Write(' ');
        output.Write(Label(level));
        output.Write("  ");
        if (level <= LogLevel.Debug)
        {
            output.Write(category);
            output.Write(": ");
        }

        output.Write(message);
        output.Write('\n');
        if (exception is not null)
        {
            output.Write(exception.ToString());
            output.Write('\n');
        }
    }

    private static string Label(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "    ",
    };
}
