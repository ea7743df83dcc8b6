namespace Chain.Node.Operations;

/// <summary>
/// One operation as the front ends see it: the name (console command and JSON-RPC method alike), its usage and
/// help line, its parameters in console order, and how to call it. The help, the console's usage errors, the
/// API's parameter binding and the API reference's checks all come from this one description.
/// </summary>
public sealed record OperationMethod(
    string Name,
    string Usage,
    string Help,
    IReadOnlyList<OperationParameter> Parameters,
    Type ResultType,
    Func<NodeOperations, OperationArguments, CancellationToken, ValueTask<object>> Invoke)
{
    /// <summary>How the console maps words to parameters; by default a word per parameter, and no more.</summary>
    public ConsoleArity Arity { get; init; } = ConsoleArity.Exact;

    /// <summary>The console's words for it when they are not <see cref="Name"/> (<c>wallet encrypt</c> for <c>walletencrypt</c>).</summary>
    public string? Command { get; init; }

    /// <summary>The console's command: <see cref="Command"/>, else <see cref="Name"/>.</summary>
    public string ConsoleName => Command ?? Name;

    /// <summary>For <see cref="ConsoleArity.Custom"/>: the console's words to arguments.</summary>
    public Func<IReadOnlyList<string>, OperationArguments>? ConsoleBinder { get; init; }

    /// <summary>The error for a wrong number of words; default <c>usage: </c> and <see cref="Usage"/>.</summary>
    public string? UsageError { get; init; }

    /// <summary>Other console names (<c>exit</c> for <c>quit</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Whether only the console offers it (<c>help</c> lists text, <c>quit</c> stops the node): not a JSON-RPC method.</summary>
    public bool ConsoleOnly { get; init; }

    /// <summary>The result's type for some arguments (a raw form answers <see cref="Results.RawData"/>); default <see cref="ResultType"/>.</summary>
    public Func<OperationArguments, Type>? ResultTypeFor { get; init; }

    /// <summary>The usage error.</summary>
    public OperationException UsageException() => OperationException.Invalid(UsageError ?? "usage: " + Usage);

    /// <summary>Checks that every required argument is there (else the usage error), then runs the operation.</summary>
    public ValueTask<object> CallAsync(NodeOperations operations, OperationArguments arguments, CancellationToken cancellationToken)
    {
        foreach (var parameter in Parameters)
        {
            if (!parameter.Optional && arguments[parameter.Name] is null)
            {
                throw UsageException();
            }
        }

        return Invoke(operations, arguments, cancellationToken);
    }

    /// <summary>The type of the answer to a call with <paramref name="arguments"/>.</summary>
    public Type ResultTypeOf(OperationArguments arguments) => ResultTypeFor?.Invoke(arguments) ?? ResultType;
}
