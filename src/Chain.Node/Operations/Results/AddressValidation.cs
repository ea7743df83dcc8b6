namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>validateaddress</c>: whether the text is an address, whose it is, or why it is not one.</summary>
public sealed record AddressValidation(bool Valid, string? Address, bool Mine, string? Reason);
