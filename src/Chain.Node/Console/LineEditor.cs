namespace Chain.Node.Console;

/// <summary>
/// Reads a line at a terminal key by key (<see cref="System.Console.ReadKey(bool)"/>), with the editing, history and
/// completion of <see cref="LineBuffer"/>, redrawing the line after each key. Used only when standard input and output
/// are a terminal; piped input is read as lines, unchanged, so scripts see no difference. No package: the readline
/// ports on NuGet are previews (RadLine 0.6) or drag in a UI toolkit, and a hundred lines over ReadKey do the job.
/// </summary>
public sealed class LineEditor
{
    /// <summary>Most lines kept in the history (this session only; nothing is written to disk, as a command may name a passphrase file).</summary>
    public const int MaxHistory = 500;

    private readonly List<string> _history = [];
    private readonly IReadOnlyList<string> _commands;

    /// <summary>An editor completing <paramref name="commands"/>.</summary>
    public LineEditor(IReadOnlyList<string> commands) => _commands = commands;

    /// <summary>Reads one line after <paramref name="prompt"/>; null on Ctrl+D at an empty line.</summary>
    public string? ReadLine(string prompt)
    {
        var buffer = new LineBuffer(_history, _commands);
        var output = System.Console.Out;
        output.Write(prompt);
        output.Flush();
        while (true)
        {
            var outcome = buffer.Apply(System.Console.ReadKey(intercept: true));
            if (outcome == LineBuffer.Outcome.EndOfInput)
            {
                output.WriteLine();
                return null;
            }

            Redraw(output, prompt, buffer);
            if (outcome == LineBuffer.Outcome.Submitted)
            {
                output.WriteLine();
                var line = buffer.Text;
                if (line.Trim().Length > 0 && (_history.Count == 0 || _history[^1] != line))
                {
                    _history.Add(line);
                    if (_history.Count > MaxHistory)
                    {
                        _history.RemoveAt(0);
                    }
                }

                return line;
            }
        }
    }

    // Back to the start of the line, the prompt and the text, clear what is left of the old text, then the cursor
    // back to its place (ANSI escapes, which every terminal .NET runs in understands).
    private static void Redraw(TextWriter output, string prompt, LineBuffer buffer)
    {
        var text = buffer.Text;
        output.Write('\r');
        output.Write(prompt);
        output.Write(text);
        output.Write("\u001b[K");
        var back = text.Length - buffer.Cursor;
        if (back > 0)
        {
            output.Write($"\u001b[{back}D");
        }

        output.Flush();
    }
}
