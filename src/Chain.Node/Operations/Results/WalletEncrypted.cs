namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>wallet encrypt</c>: the wallet file, now encrypted; the node must be started with the passphrase from now on.</summary>
public sealed record WalletEncrypted(string Wallet);
