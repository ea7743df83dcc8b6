namespace Chain.Node.Operations.Results;

/// <summary>One ban: the address, when it was set and when it ends (UTC <c>yyyy-MM-ddTHH:mm:ssZ</c>), and the seconds left.</summary>
public sealed record BanInfo(string Address, string Created, string Until, long Remaining);
