namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>address</c>: this wallet's address.</summary>
public sealed record AddressInfo(string Address);
