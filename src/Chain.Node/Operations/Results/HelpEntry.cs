namespace Chain.Node.Operations.Results;

/// <summary>One command of <c>help</c>.</summary>
public sealed record HelpEntry(string Usage, string Help);
