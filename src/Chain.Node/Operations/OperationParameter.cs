namespace Chain.Node.Operations;

/// <summary>One parameter of an operation: its name (for JSON-RPC by-name calls), whether it may be left out, and what it means.</summary>
public sealed record OperationParameter(string Name, bool Optional, string Description);
