namespace Chain.Node.Operations;

/// <summary>How the console maps the words after a command to its parameters.</summary>
public enum ConsoleArity
{
    /// <summary>One word per parameter in order; too few or too many words is a usage error.</summary>
    Exact,

    /// <summary>The rest of the line is split into as many parts as there are parameters; the last keeps its spaces.</summary>
    Rest,

    /// <summary>The method's own <see cref="OperationMethod.ConsoleBinder"/> maps the words.</summary>
    Custom,
}
