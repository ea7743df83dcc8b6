namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>help</c>.</summary>
public sealed record HelpListing(IReadOnlyList<HelpEntry> Commands);
