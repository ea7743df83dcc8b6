namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>unban</c>: the address whose ban was lifted.</summary>
public sealed record UnbanInfo(string Unbanned);
