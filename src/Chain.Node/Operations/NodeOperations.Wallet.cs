using System.Security.Cryptography;
using System.Text;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Node.Operations.Results;

namespace Chain.Node.Operations;

/// <summary>The wallet's operations: its address and key, signatures, balances, transfers and history.</summary>
public sealed partial class NodeOperations
{
    /// <summary>This wallet's address.</summary>
    public AddressInfo GetAddress() => new(FormatAddress(wallet.Address));

    /// <summary>This wallet's address and public key (PEM).</summary>
    public WalletInfo GetWallet() => new(FormatAddress(wallet.Address), wallet.PublicKeyPem.TrimEnd());

    /// <summary>RSA-PSS SHA-256 signature of the UTF-8 <paramref name="text"/>.</summary>
    public SignatureInfo Sign(string text)
    {
        if (text.Length == 0)
        {
            throw OperationException.Invalid("usage: sign <text>");
        }

        return new SignatureInfo(Convert.ToBase64String(wallet.SignData(Encoding.UTF8.GetBytes(text))));
    }

    /// <summary>
    /// Checks <paramref name="signature"/> (base64) over the UTF-8 <paramref name="text"/> with the key of an
    /// address (this wallet's, or one that has sent a transaction) or a PEM public key file on the node's host.
    /// </summary>
    public VerifyInfo Verify(string keyOrAddress, string signature, string text)
    {
        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            throw OperationException.Invalid("the signature is not base64");
        }

        using var key = LoadVerificationKey(keyOrAddress);
        return new VerifyInfo(RsaPss.VerifyData(key, Encoding.UTF8.GetBytes(text), signatureBytes));
    }

    /// <summary>The confirmed balance of <paramref name="address"/> (default: this wallet) and its immature coinbase rewards.</summary>
    public BalanceInfo Balance(Address? address)
    {
        var who = address ?? wallet.Address;
        var account = chain.GetAccount(who);
        return new BalanceInfo(FormatAddress(who), Money.Format(account.Balance), Money.Format(chain.GetImmatureBalance(who)), account.Nonce);
    }

    /// <summary>
    /// Signs a transfer from this wallet and submits it (fee default: the network minimum); it is on disk in
    /// pending.dat before this returns, so a transaction the user was told about survives a crash.
    /// </summary>
    public SendInfo Send(Address to, long amount, long? fee)
    {
        var nonce = chain.GetPendingAccount(wallet.Address).Nonce;
        var tx = wallet.CreateTransaction(chain.Network.Magic, to, amount, fee ?? chain.Network.MinFee, nonce);
        var result = chain.SubmitTransaction(tx);
        if (!result.IsValid)
        {
            var message = result.Error == TxError.InsufficientBalance ? InsufficientBalance(tx.Amount + tx.Fee) : result.Message;
            throw new OperationException(OperationError.Refused, $"{ToWords(result.Error)}: {message}");
        }

        pending.SaveNow();
        return new SendInfo(tx.Id.ToString());
    }

    // What the wallet has, as balance shows it, and what the transactions still waiting for a block take from it,
    // so the refusal adds up: balance - pending = spendable, and why that is less than the cost.
    private string InsufficientBalance(long cost)
    {
        var confirmed = chain.GetAccount(wallet.Address);
        var pendingState = chain.GetPendingAccount(wallet.Address);
        var waiting = pendingState.Nonce - confirmed.Nonce;
        var text = waiting > 0
            ? $"spends {Money.Format(cost)} but {Money.Format(pendingState.Balance)} is spendable: balance {Money.Format(confirmed.Balance)} less {Money.Format(confirmed.Balance - pendingState.Balance)} in {waiting} pending transaction{(waiting == 1 ? string.Empty : "s")}"
            : $"spends {Money.Format(cost)} but the balance is {Money.Format(confirmed.Balance)}";
        var immature = chain.GetImmatureBalance(wallet.Address);
        return immature > 0
            ? $"{text} ({Money.Format(immature)} more is mined but immature: a coinbase is spendable {chain.Network.CoinbaseMaturity} blocks after its own)"
            : text;
    }

    /// <summary>The last <paramref name="count"/> confirmed transactions of <paramref name="address"/> (default: this wallet).</summary>
    public HistoryListing History(Address? address, int count)
    {
        var who = address ?? wallet.Address;
        var entries = new List<HistoryEntry>();
        foreach (var (tx, block) in chain.GetHistory(who, count))
        {
            var incoming = tx.Recipient == who;
            var outgoing = !tx.IsCoinbase && tx.Sender == who;
            var delta = (incoming ? tx.Amount : 0) - (outgoing ? tx.Amount + tx.Fee : 0);
            var other = tx.IsCoinbase ? "coinbase" : incoming && !outgoing ? FormatAddress(tx.Sender) : FormatAddress(tx.Recipient);
            entries.Add(new HistoryEntry(block.Height, tx.Id.ToString(), (delta >= 0 ? "+" : string.Empty) + Money.Format(delta), other));
        }

        return new HistoryListing(FormatAddress(who), entries);
    }

    /// <summary>Whether <paramref name="text"/> is an address, and whether it is this wallet's.</summary>
    public AddressValidation ValidateAddress(string text)
    {
        try
        {
            var address = OperationParsers.Address(chain.Network, text);
            return new AddressValidation(true, FormatAddress(address), address == wallet.Address, null);
        }
        catch (OperationException e)
        {
            return new AddressValidation(false, null, false, e.Message);
        }
    }

    // An existing file is a key file; other text is an address, refused with the address's own error when it
    // looks like one (a prefix and '1', or 40 hex), else with both readings.
    private RSA LoadVerificationKey(string keyOrAddress)
    {
        if (!File.Exists(keyOrAddress))
        {
            if (chain.Network.TryParseAddress(keyOrAddress, out var address, out var error))
            {
                var spki = address == wallet.Address ? wallet.PublicKey.ToArray() : chain.FindSenderKey(address)
                    ?? throw new OperationException(OperationError.NotFound, $"no public key known for address {FormatAddress(address)} (it has never sent a transaction); give a public key file");
                return RsaPss.TryImportPublicKey(spki) ?? throw new OperationException(OperationError.Failed, "the known public key is not an RSA-2048 key");
            }

            var looksLikeAddress = NetworkParameters.All.Append(chain.Network).Any(n => keyOrAddress.StartsWith(n.AddressPrefix + "1", StringComparison.OrdinalIgnoreCase))
                || (keyOrAddress.Length == Address.Size * 2 && keyOrAddress.All(char.IsAsciiHexDigit));
            throw OperationException.Invalid(looksLikeAddress ? error! : $"'{OperationParsers.Echo(keyOrAddress)}' is neither an address nor a readable public key file");
        }

        string text;
        try
        {
            text = File.ReadAllText(keyOrAddress);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw OperationException.Invalid($"'{keyOrAddress}' is neither an address nor a readable public key file: {e.Message}");
        }

        // Verifying needs only the public key; a private key has no business being passed around.
        if (text.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw OperationException.Invalid($"{keyOrAddress}: is a private key; give the public key (the 'wallet' command prints it)");
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(text);
            return rsa;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw OperationException.Invalid($"{keyOrAddress}: not an RSA public key in PEM form");
        }
    }
}
