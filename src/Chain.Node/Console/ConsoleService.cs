using Chain.Node.Operations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Console;

/// <summary>
/// Reads commands from standard input on a dedicated thread (a blocking read does not belong on the
/// thread pool) and answers on standard output. End of piped input leaves the node running as a daemon; at a
/// terminal, lines are edited key by key (<see cref="LineEditor"/>) and Ctrl+D on an empty line is quit.
/// When standard input is not a terminal, every line read is answered and then ended by one empty line
/// (<see cref="AnswerEnd"/>), so a script can tell where a multi-line answer stops; a person at a terminal
/// sees the prompt instead.
/// </summary>
public sealed partial class ConsoleService(CommandProcessor processor, CommandInterrupt interrupt, ILogger<ConsoleService> logger) : BackgroundService
{
    private const string Prompt = "> ";

    /// <summary>What follows every answer when input is not a terminal: an empty line (no answer contains one).</summary>
    public const string AnswerEnd = "";

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(stoppingToken);
            }
            finally
            {
                finished.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "console",
        };
        thread.Start();
        // The host need not wait for a read that may never return: stopping just abandons the thread.
        return finished.Task.WaitAsync(stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private void Run(CancellationToken stoppingToken)
    {
        var interactive = !System.Console.IsInputRedirected;
        var input = System.Console.In;
        var output = AnswerOutput.Open();
        // Key-by-key editing only where both ends are a terminal; anything piped is read as plain lines.
        var editor = interactive && !System.Console.IsOutputRedirected
            ? new LineEditor([.. OperationCatalog.All.Select(m => m.ConsoleName).Concat(OperationCatalog.All.SelectMany(m => m.Aliases)).Order(StringComparer.Ordinal)])
            : null;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (interactive && editor is null)
            {
                output.Write(Prompt);
                output.Flush();
            }

            string? line;
            try
            {
                line = editor is not null ? editor.ReadLine(Prompt) : input.ReadLine();
            }
            catch (IOException e)
            {
                LogInputFailed(logger, e.Message);
                return;
            }

            if (line is null && interactive)
            {
                // Ctrl+D at a terminal: what a REPL does on end of input, leave, which for this console is quit.
                LogEndOfInputAtTerminal(logger);
                line = "quit";
            }

            if (line is null)
            {
                LogInputClosed(logger);
                return;
            }

            var command = interrupt.Begin(stoppingToken);
            try
            {
                processor.ExecuteAsync(line, output, command.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (command.IsCancellationRequested)
            {
                output.WriteLine("error: cancelled (Ctrl+C)");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A command that fails unexpectedly must not take the node down with it.
                output.WriteLine($"error: {e.Message}");
                LogCommandFailed(logger, e);
            }
            finally
            {
                interrupt.End(command);
            }

            if (!interactive)
            {
                output.WriteLine(AnswerEnd);
            }

            output.Flush();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Standard input closed; the node keeps running until Ctrl+C or SIGTERM")]
    private static partial void LogInputClosed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ctrl+D at the console: stopping the node, as quit does")]
    private static partial void LogEndOfInputAtTerminal(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Standard input failed: {Reason}")]
    private static partial void LogInputFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A console command failed")]
    private static partial void LogCommandFailed(ILogger logger, Exception exception);
}
