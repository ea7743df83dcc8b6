namespace Chain.Node.Operations;

/// <summary>The arguments of one call as text, by parameter name; each front end fills them, the method parses them.</summary>
public sealed class OperationArguments(IReadOnlyDictionary<string, string> values)
{
    /// <summary>No arguments.</summary>
    public static OperationArguments None { get; } = new(new Dictionary<string, string>());

    /// <summary>Every argument given, by parameter name.</summary>
    public IReadOnlyDictionary<string, string> Values => values;

    /// <summary>The argument <paramref name="name"/>, or null when it was not given.</summary>
    public string? this[string name] => values.TryGetValue(name, out var value) ? value : null;
}
