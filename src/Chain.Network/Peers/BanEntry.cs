using System.Net;

namespace Chain.Network.Peers;

/// <summary>An address the operator banned: refused at accept and never dialled until <see cref="Until"/>.</summary>
/// <param name="Address">The banned address (an IPv4-mapped IPv6 address is kept as IPv4).</param>
/// <param name="Created">When the ban was set.</param>
/// <param name="Until">When it ends.</param>
public sealed record BanEntry(IPAddress Address, DateTimeOffset Created, DateTimeOffset Until);
