using Chain.Node.Operations;

namespace Chain.Node.Console;

/// <summary>A console line read: the operation it names and its arguments.</summary>
public sealed record ConsoleCall(OperationMethod Method, OperationArguments Arguments);
