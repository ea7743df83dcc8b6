namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>history</c>: the latest confirmed transactions of an address, newest first.</summary>
public sealed record HistoryListing(string Address, IReadOnlyList<HistoryEntry> Entries);
