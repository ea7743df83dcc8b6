namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>wallet</c>: the address and the public key as SubjectPublicKeyInfo PEM.</summary>
public sealed record WalletInfo(string Address, string PublicKey);
