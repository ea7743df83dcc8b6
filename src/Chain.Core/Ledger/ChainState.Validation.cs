using System.Runtime.InteropServices;
using Chain.Core.Crypto;

namespace Chain.Core.Ledger;

public sealed partial class ChainState
{
    // The header, size, proof of work or seal, Merkle root and coinbase: cheap, so a block is refused on them before any
    // transaction is checked.
    private (BlockError, string) CheckHeader(Block block)
    {
        var header = block.Header;
        if (header.Version != _engine.HeaderVersion)
        {
            return (BlockError.BadVersion, $"unknown version {header.Version}");
        }

        var txs = block.Transactions;
        if (txs.Count > _network.MaxBlockTransactions || block.EncodedSize > _network.MaxBlockBytes)
        {
            return (BlockError.TooLarge, $"{block.EncodedSize} bytes in {txs.Count} transactions exceeds the network's {_network.MaxBlockBytes} bytes in {_network.MaxBlockTransactions} transactions");
        }

        var (error, message) = _engine.CheckSeal(header);
        if (error != BlockError.None)
        {
            return (error, message);
        }

        if (MerkleTree.ComputeRoot(txs) != header.MerkleRoot)
        {
            return (BlockError.BadMerkleRoot, "the Merkle root does not match the transactions");
        }

        if (txs.Count == 0 || !txs[0].IsCoinbase)
        {
            return (BlockError.BadCoinbase, "the first transaction is not a coinbase");
        }

        var coinbase = txs[0];
        if (coinbase.Network != _network.Magic || coinbase.Fee != 0 || coinbase.Signature.Length != 0
            || coinbase.Nonce != header.Height || !Money.InRange(coinbase.Amount))
        {
            return (BlockError.BadCoinbase, "the coinbase must name this network, pay no fee, carry no signature, use the height as nonce and a valid amount");
        }

        return (BlockError.None, string.Empty);
    }

    // Each transfer on its own (no duplicates, fields in range), signatures aside. Senders' nonces are checked with
    // the state changes (ComputeStateChanges): a sender address is a hash of the key, and both run beside the
    // signature checks on a block that extends the tip, where that hashing costs no time of its own.
    private (BlockError, string) CheckTransfers(Block block)
    {
        var txs = block.Transactions;
        var ids = new HashSet<Hash256>(txs.Count);
        for (var i = 0; i < txs.Count; i++)
        {
            var tx = txs[i];
            if (!ids.Add(tx.Id))
            {
                return (BlockError.DuplicateTransaction, $"transaction {tx.Id} appears twice");
            }

            if (i == 0)
            {
                continue;
            }

            var result = TransactionRules.CheckStateless(tx, _network, signatures: null);
            if (!result.IsValid)
            {
                return (tx.IsCoinbase ? BlockError.BadCoinbase : BlockError.BadTransaction, $"transaction {tx.Id}: {result}");
            }
        }

        return (BlockError.None, string.Empty);
    }

    // Checks against the parent: the height here, then the engine's rules (difficulty or signer, timestamps).
    private (BlockError, string) CheckContext(Block block, BlockIndex parent)
    {
        var header = block.Header;
        if (header.Height != parent.Height + 1)
        {
            return (BlockError.BadHeight, $"height {header.Height} does not follow parent height {parent.Height}");
        }

        var (error, message) = _engine.CheckContext(header, parent, _time.GetUtcNow().ToUnixTimeSeconds());
        return (error, message);
    }

    // Verifies every transfer's signature, in parallel; one verified when it entered the mempool is a cache hit and
    // skips RSA (SignatureCache.VerifyInBlock). With several threads, alongside runs on this thread while the others
    // start verifying, then this thread verifies too; alongside returning false stops the verification early (the
    // caller then ignores its result).
    private (BlockError, string) CheckSignatures(Block block, Func<bool>? alongside)
    {
        var txs = block.Transactions;
        var bad = -1;
        if (txs.Count <= 2 || ValidationThreads == 1)
        {
            if (alongside is null || alongside())
            {
                for (var i = 1; i < txs.Count && bad < 0; i++)
                {
                    bad = _signatures.VerifyInBlock(txs[i]) ? -1 : i;
                }
            }
        }
        else
        {
            var run = new SignatureRun(txs, _signatures);
            run.StartHelpers(ValidationThreads - 1);
            try
            {
                if (alongside is null || alongside())
                {
                    run.Verify();
                }
                else
                {
                    run.Stop();
                }
            }
            catch
            {
                run.Stop();
                throw;
            }
            finally
            {
                run.WaitForChunksTaken();
            }

            run.ThrowIfHelperFailed();
            bad = run.FailedIndex;
        }

        return bad < 0
            ? (BlockError.None, string.Empty)
            : (BlockError.BadTransaction, $"transaction {txs[bad].Id}: {TxError.BadSignature}: the signature does not verify");
    }

    // Applies the block's transfers and coinbase to a copy of the touched accounts, keeping each one's state before the
    // block for the undo record; no error when valid. Reads the accounts at the tip (one read per account, through the
    // cache) and writes nothing, so it may run while other threads verify the block's signatures.
    private StateChanges ComputeStateChanges(Block block)
    {
        var txs = block.Transactions;
        var changes = new Dictionary<Address, AccountChange>(txs.Count + 1);
        long fees = 0;
        for (var i = 1; i < txs.Count; i++)
        {
            var tx = txs[i];

            // One lookup per account: the entry is filled from the tip's state the first time the block touches it.
            // (A reference into the dictionary is dropped before the next one is taken: adding may move entries.)
            ref var sender = ref CollectionsMarshal.GetValueRefOrAddDefault(changes, tx.Sender, out var seen);
            if (!seen)
            {
                sender = AccountChange.At(_accounts.Get(tx.Sender));
            }

            var result = TransactionRules.CheckAgainst(tx, sender.After);
            if (!result.IsValid)
            {
                // The earlier transfers of this sender in the block passed, so they used the nonces from its state at
                // the tip up to the one expected now: a lower nonce not below the tip's was used in this block already.
                var error = result.Error switch
                {
                    TxError.InsufficientBalance => BlockError.InsufficientBalance,
                    TxError.NonceTooLow when tx.Nonce >= sender.Before.GetValueOrDefault().Nonce => BlockError.DuplicateNonce,
                    _ => BlockError.BadTransaction,
                };
                var message = error == BlockError.DuplicateNonce ? $"sender {tx.Sender} uses nonce {tx.Nonce} twice" : $"transaction {tx.Id}: {result}";
                return new(block, Tip, error, message, changes);
            }

            sender.After = TransactionRules.Debit(sender.After, tx);
            ref var recipient = ref CollectionsMarshal.GetValueRefOrAddDefault(changes, tx.Recipient, out seen);
            if (!seen)
            {
                recipient = AccountChange.At(_accounts.Get(tx.Recipient));
            }

            recipient.After = TransactionRules.Credit(recipient.After, tx.Amount);
            fees = checked(fees + tx.Fee);
        }

        var coinbase = txs[0];
        var allowed = checked(_network.BlockReward(block.Height) + fees);
        if (coinbase.Amount > allowed)
        {
            return new(block, Tip, BlockError.BadCoinbase, $"the coinbase claims {Money.Format(coinbase.Amount)}, more than reward plus fees {Money.Format(allowed)}", changes);
        }

        // Coinbase maturity: this block credits, after its transfers, the coinbase that matures with it (its own only
        // when the maturity is 1), so the balance at the tip is exactly what the next block's transfers may spend and
        // a reorganisation shallower than the maturity cannot take away coins that have been spent.
        if (MaturingCoinbase(block) is { Amount: > 0 } matured)
        {
            ref var miner = ref CollectionsMarshal.GetValueRefOrAddDefault(changes, matured.Recipient, out var seen);
            if (!seen)
            {
                miner = AccountChange.At(_accounts.Get(matured.Recipient));
            }

            miner.After = TransactionRules.Credit(miner.After, matured.Amount);
        }

        return new(block, Tip, BlockError.None, string.Empty, changes);
    }

    // The coinbase credited when block connects on the tip: that of the best-chain block maturity − 1 below it; none
    // while block is no higher than maturity − 1 (only genesis lies that far below, and it pays nothing).
    private (Address Recipient, long Amount)? MaturingCoinbase(Block block)
    {
        var lag = (uint)(_network.CoinbaseMaturity - 1);
        if (lag == 0)
        {
            return (block.Transactions[0].Recipient, block.Transactions[0].Amount);
        }

        if (block.Height <= lag)
        {
            return null;
        }

        var matured = _active[(int)(block.Height - lag)];
        return (matured.CoinbaseRecipient, matured.CoinbaseAmount);
    }

    // A block's effect on the accounts it touches, against the tip Base it was computed on, with the error that made
    // it invalid (None when valid).
    private sealed record StateChanges(Block Block, BlockIndex Base, BlockError Error, string Message, Dictionary<Address, AccountChange> Changes);

    // One account a block touches: its state at the tip the block was checked against (null: absent), and after.
    private struct AccountChange
    {
        public AccountState? Before;
        public AccountState After;

        public static AccountChange At(AccountState? state) => new() { Before = state, After = state.GetValueOrDefault() };
    }
}
