namespace Chain.Node.Operations;

/// <summary>
/// An operation the user got wrong or the node could not do: the one expected failure of every operation.
/// The console answers it as one <c>error:</c> line, the API as a JSON-RPC error with the same message.
/// </summary>
public sealed class OperationException(OperationError error, string message) : Exception(message)
{
    /// <summary>What kind of failure this is.</summary>
    public OperationError Error { get; } = error;

    /// <summary>A bad or missing argument.</summary>
    public static OperationException Invalid(string message) => new(OperationError.InvalidParams, message);
}
