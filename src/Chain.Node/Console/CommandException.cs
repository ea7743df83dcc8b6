namespace Chain.Node.Console;

/// <summary>A command the user got wrong: answered with one <c>error:</c> line.</summary>
public sealed class CommandException(string message) : Exception(message);
