namespace Chain.Node.Console;

/// <summary>
/// The line being typed at a terminal, and what each key does to it: the editing keys of GNU readline's emacs mode
/// (arrows, Home/End, Backspace/Delete, Ctrl+A/E/B/F/U/K/W), history (Up/Down, Ctrl+P/N) and Tab completion of
/// command names. Pure state, no console: <see cref="LineEditor"/> feeds it keys and draws it.
/// </summary>
public sealed class LineBuffer(IReadOnlyList<string> history, IReadOnlyList<string> commands)
{
    private readonly List<char> _text = [];
    private int _historyIndex = history.Count;
    private string _draft = string.Empty;

    /// <summary>What a key ended with.</summary>
    public enum Outcome
    {
        /// <summary>Keep reading.</summary>
        Editing,

        /// <summary>Enter: the line is complete.</summary>
        Submitted,

        /// <summary>Ctrl+D on an empty line: end of input, as a REPL takes it.</summary>
        EndOfInput,
    }

    /// <summary>The text typed so far.</summary>
    public string Text => new([.. _text]);

    /// <summary>Where the cursor is, 0 to the text's length.</summary>
    public int Cursor { get; private set; }

    /// <summary>Applies one key.</summary>
    public Outcome Apply(ConsoleKeyInfo key)
    {
        var control = (key.Modifiers & ConsoleModifiers.Control) != 0;
        switch (key.Key)
        {
            case ConsoleKey.Enter:
                return Outcome.Submitted;
            case ConsoleKey.D when control:
                if (_text.Count == 0)
                {
                    return Outcome.EndOfInput;
                }

                Delete();
                return Outcome.Editing;
            case ConsoleKey.LeftArrow:
            case ConsoleKey.B when control:
                Cursor = Math.Max(0, Cursor - 1);
                return Outcome.Editing;
            case ConsoleKey.RightArrow:
            case ConsoleKey.F when control:
                Cursor = Math.Min(_text.Count, Cursor + 1);
                return Outcome.Editing;
            case ConsoleKey.Home:
            case ConsoleKey.A when control:
                Cursor = 0;
                return Outcome.Editing;
            case ConsoleKey.End:
            case ConsoleKey.E when control:
                Cursor = _text.Count;
                return Outcome.Editing;
            case ConsoleKey.Backspace:
                if (Cursor > 0)
                {
                    _text.RemoveAt(--Cursor);
                }

                return Outcome.Editing;
            case ConsoleKey.Delete:
                Delete();
                return Outcome.Editing;
            case ConsoleKey.U when control:
                _text.RemoveRange(0, Cursor);
                Cursor = 0;
                return Outcome.Editing;
            case ConsoleKey.K when control:
                _text.RemoveRange(Cursor, _text.Count - Cursor);
                return Outcome.Editing;
            case ConsoleKey.W when control:
                var start = Cursor;
                while (start > 0 && _text[start - 1] == ' ')
                {
                    start--;
                }

                while (start > 0 && _text[start - 1] != ' ')
                {
                    start--;
                }

                _text.RemoveRange(start, Cursor - start);
                Cursor = start;
                return Outcome.Editing;
            case ConsoleKey.UpArrow:
            case ConsoleKey.P when control:
                Recall(-1);
                return Outcome.Editing;
            case ConsoleKey.DownArrow:
            case ConsoleKey.N when control:
                Recall(+1);
                return Outcome.Editing;
            case ConsoleKey.Tab:
                Complete();
                return Outcome.Editing;
            default:
                if (!control && key.KeyChar >= ' ' && key.KeyChar != '\u007f')
                {
                    _text.Insert(Cursor++, key.KeyChar);
                }

                return Outcome.Editing;
        }
    }

    private void Delete()
    {
        if (Cursor < _text.Count)
        {
            _text.RemoveAt(Cursor);
        }
    }

    // Up from the line being typed keeps it as a draft that Down past the newest entry brings back.
    private void Recall(int step)
    {
        var next = _historyIndex + step;
        if (next < 0 || next > history.Count)
        {
            return;
        }

        if (_historyIndex == history.Count)
        {
            _draft = Text;
        }

        _historyIndex = next;
        Set(next == history.Count ? _draft : history[next]);
    }

    // Tab on the first word: the command it begins, or the longest prefix the commands it begins share.
    private void Complete()
    {
        var typed = Text[..Cursor];
        if (typed.Contains(' ', StringComparison.Ordinal) && !commands.Any(c => c.Contains(' ', StringComparison.Ordinal) && c.StartsWith(typed, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        var matches = commands.Where(c => c.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 0)
        {
            return;
        }

        var common = matches.Aggregate((a, b) => a[..Enumerable.Range(0, Math.Min(a.Length, b.Length)).TakeWhile(i => char.ToLowerInvariant(a[i]) == char.ToLowerInvariant(b[i])).Count()]);
        var completion = matches.Count == 1 ? common + " " : common;
        if (completion.Length > typed.Length)
        {
            _text.RemoveRange(0, Cursor);
            _text.InsertRange(0, completion);
            Cursor = completion.Length;
        }
    }

    private void Set(string text)
    {
        _text.Clear();
        _text.AddRange(text);
        Cursor = _text.Count;
    }
}
