using System.Text;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Logging;

/// <summary>
/// <c>--log-file</c>: every log line the console shows (same form, same level settings), appended to a file as well.
/// Each line is flushed as written, so a crash loses nothing that was logged; the file is opened for appending and
/// may be rotated by moving it away (logrotate's copytruncate, or a restart).
/// </summary>
[ProviderAlias("File")]
public sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly StreamWriter _writer;

    /// <summary>Opens <paramref name="path"/> for appending (created if missing; its folder must exist).</summary>
    public FileLoggerProvider(string path)
    {
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        lock (_gate)
        {
            try
            {
                NodeLogFormatter.WriteLine(_writer, DateTimeOffset.UtcNow, level, category, message, exception);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // A full disk or a closed file must not stop the node; standard error still has the line.
            }
        }
    }

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
