namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>wallet passphrase</c>: the wallet file, now encrypted under the new passphrase.</summary>
public sealed record PassphraseChanged(string Wallet);
