namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>bans</c>: the bans in force, soonest to end first.</summary>
public sealed record BanListing(IReadOnlyList<BanInfo> Bans);
