using Microsoft.Extensions.Logging;

namespace Chain.Network.Tests.Protocol;

/// <summary>Writes log lines to the test's output, prefixed with the node's name; silent once the test has ended.</summary>
internal sealed class XunitLogger<T>(ITestOutputHelper? output, string name, LogLevel minimum = LogLevel.Information) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => output is not null && logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        try
        {
            output!.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {name} {logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception)}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; its output is closed.
        }
    }
}
