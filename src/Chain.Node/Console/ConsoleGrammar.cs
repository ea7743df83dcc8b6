using Chain.Node.Operations;

namespace Chain.Node.Console;

/// <summary>
/// Reads a console line into an operation and its arguments, by the operation's <see cref="ConsoleArity"/>. The
/// node's console and the command-line client read lines the same way, so a line means the same to both.
/// </summary>
public static class ConsoleGrammar
{
    /// <summary>Reads <paramref name="line"/>; null for a blank line; <see cref="OperationException"/> for an unknown command or wrong word count.</summary>
    public static ConsoleCall? Parse(string line)
    {
        var trimmed = line.Trim();
        if (trimmed.Length == 0)
        {
            return null;
        }

        var (command, rest) = SplitFirst(trimmed);
        var method = OperationCatalog.FindCommand(command);
        // A command of two words (wallet encrypt) is tried before the one word.
        if (rest.Length > 0)
        {
            var (second, after) = SplitFirst(rest);
            if (OperationCatalog.FindCommand(command + " " + second) is { } twoWords)
            {
                (method, rest) = (twoWords, after);
            }
        }

        if (method is null)
        {
            throw OperationException.Invalid($"unknown command '{OperationParsers.Echo(command)}' (type help)");
        }

        var parameters = method.Parameters;
        string[] words = method.Arity == ConsoleArity.Rest
            ? rest.Split(' ', Math.Max(parameters.Count, 1), StringSplitOptions.RemoveEmptyEntries)
            : rest.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (method.Arity == ConsoleArity.Custom)
        {
            return new ConsoleCall(method, method.ConsoleBinder!(words));
        }

        var required = parameters.Count(p => !p.Optional);
        if (words.Length < required || (method.Arity == ConsoleArity.Exact && words.Length > parameters.Count))
        {
            throw method.UsageException();
        }

        var values = new Dictionary<string, string>();
        for (var i = 0; i < Math.Min(words.Length, parameters.Count); i++)
        {
            values[parameters[i].Name] = words[i];
        }

        return new ConsoleCall(method, new OperationArguments(values));
    }

    private static (string Word, string Remainder) SplitFirst(string text)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (text, string.Empty) : (text[..space], text[(space + 1)..].Trim());
    }
}
