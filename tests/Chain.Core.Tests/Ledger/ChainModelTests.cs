using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Persistence;
using Chain.Core.Tests.TestSupport;
using CsCheck;

namespace Chain.Core.Tests.Ledger;

/// <summary>
/// Model-based test: random sequences of blocks (on the tip and on older blocks, so forks and
/// reorganisations happen), invalid blocks and mempool transactions, checked after every step against a
/// reference model that replays the longest branch (first seen wins ties) from genesis.
/// A sequence depends on its seed alone (the keys are <see cref="FixedKeys"/>, the clock is fake), so a failure,
/// which names its seed and step, replays with <c>CHAIN_MODEL_SEED=&lt;seed&gt;</c>; a longer hunt runs with
/// <c>CHAIN_MODEL_ITERATIONS=100000</c> (the ordinary run tries 25 sequences). Run on a ledger keeping every account and
/// on one whose account cache is smaller than the accounts in play.
/// </summary>
public class ChainModelTests
{
    private const int Accounts = 4;
    private const int Steps = 40;

    // A ledger whose account cache holds two accounts (fewer than the 4 senders, their miners and the genesis
    // allocation), over a chain state store in memory: every step evicts, and reads miss into the store.
    private const long TwoAccounts = 2 * AccountCache.EntryBytes;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RandomBlocksForksAndTransactions_MatchReferenceModel(bool boundedStateCache)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("CHAIN_MODEL_SEED"), out var replay))
        {
            RunSequence(replay, Steps, boundedStateCache);
            return;
        }

        var iterations = int.TryParse(Environment.GetEnvironmentVariable("CHAIN_MODEL_ITERATIONS"), out var n) ? n : 25;
        var reorganisations = 0;
        Gen.Int.Sample(seed => reorganisations += RunSequence(seed, Steps, boundedStateCache), iter: iterations, threads: 1);

        // The sequences must really exercise fork choice, not only extend one chain.
        Assert.True(reorganisations > 0, "no sequence reorganised");
    }

    // Returns how many reorganisations the sequence caused; a failure names the seed that replays it.
    private static int RunSequence(int seed, int steps, bool boundedStateCache)
    {
        try
        {
            return RunSequenceUnnamed(seed, steps, boundedStateCache);
        }
        catch (Exception e) when (!e.Message.StartsWith($"seed {seed} ", StringComparison.Ordinal))
        {
            throw new Xunit.Sdk.XunitException($"seed {seed} (replay with CHAIN_MODEL_SEED={seed}): {e.Message}", e);
        }
    }

    private static int RunSequenceUnnamed(int seed, int steps, bool boundedStateCache)
    {
        var rng = new Random(seed);
        var keys = Enumerable.Range(0, Accounts).Select(TestChain.Key).ToArray();
        var addresses = keys.Select(TestChain.AddressOf).ToArray();
        var chain = boundedStateCache
            ? new Blockchain(TestChain.Dev, TestChain.Clock(), store: new ChainStateStore(new MemoryKeyValueStore()), stateCacheBytes: TwoAccounts)
            : TestChain.NewChain();
        var model = new Model(chain.Tip);
        var reorganisations = 0;
        chain.TipChanged += update => reorganisations += update.Disconnected.Count > 0 ? 1 : 0;

        for (var step = 0; step < steps; step++)
        {
            var roll = rng.Next(10);
            if (roll < 6)
            {
                // A valid block on the tip, on the head of another branch (so a fork can overtake), or anywhere.
                var pick = rng.Next(10);
                var parent = pick < 4 ? model.Tip : pick < 8 ? model.RandomLeaf(rng) : model.RandomBlock(rng);
                var state = model.StateAt(parent);
                var txs = RandomTransfers(rng, keys, addresses, state);
                var block = TestChain.Build(parent, addresses[rng.Next(Accounts)], txs);
                var result = chain.SubmitBlock(block);
                if (result.Status == BlockStatus.Duplicate)
                {
                    continue; // the same parent, miner and transactions make the same block
                }

                Assert.True(result.Accepted, $"seed {seed} step {step} (replay with CHAIN_MODEL_SEED={seed}): valid block refused: {result.Error} {result.Message}");
                // A block held for its branch's low work is not in the tree yet: the model keeps its own entry.
                model.Add(chain.GetBlock(block.Hash) ?? new BlockIndex(block, parent));
            }
            else if (roll < 8)
            {
                // A transfer against the tip (counting what is pending) for the mempool.
                var sender = rng.Next(Accounts);
                var pending = chain.GetPendingAccount(addresses[sender]);
                if (pending.Balance > 2 * NetworkParameters.Dev.MinFee)
                {
                    var amount = 1 + rng.NextInt64(pending.Balance - NetworkParameters.Dev.MinFee);
                    var tx = TestChain.Transfer(keys[sender], addresses[rng.Next(Accounts)], amount, pending.Nonce);
                    Assert.True(chain.SubmitTransaction(tx).IsValid, $"seed {seed} step {step} (replay with CHAIN_MODEL_SEED={seed}): valid transfer refused");
                }
            }
            else
            {
                // An invalid block (spends more than the sender has): refused, nothing changes.
                var state = model.StateAt(model.Tip);
                var sender = rng.Next(Accounts);
                var account = state.GetValueOrDefault(addresses[sender]);
                var overspend = TestChain.Transfer(keys[sender], addresses[(sender + 1) % Accounts], account.Balance + 1, account.Nonce);
                var result = chain.SubmitBlock(TestChain.Build(model.Tip, addresses[0], [overspend]));
                Assert.Equal(BlockStatus.Invalid, result.Status);
            }

            Check(seed, step, chain, model, addresses);
        }

        return reorganisations;
    }

    private static List<Transaction> RandomTransfers(Random rng, RSA[] keys, Address[] addresses, Dictionary<Address, AccountState> state)
    {
        var txs = new List<Transaction>();
        var working = new Dictionary<Address, AccountState>(state);
        for (var i = rng.Next(4); i > 0; i--)
        {
            var sender = rng.Next(Accounts);
            var account = working.GetValueOrDefault(addresses[sender]);
            if (account.Balance <= NetworkParameters.Dev.MinFee)
            {
                continue;
            }

            var amount = 1 + rng.NextInt64(account.Balance - NetworkParameters.Dev.MinFee);
            var recipient = addresses[rng.Next(Accounts)];
            txs.Add(TestChain.Transfer(keys[sender], recipient, amount, account.Nonce));
            working[addresses[sender]] = new AccountState(account.Balance - amount - NetworkParameters.Dev.MinFee, account.Nonce + 1);
            var credited = working.GetValueOrDefault(recipient);
            working[recipient] = credited with { Balance = credited.Balance + amount };
        }

        return txs;
    }

    private static void Check(int seed, int step, Blockchain chain, Model model, Address[] addresses)
    {
        Assert.True(model.Tip.Hash == chain.Tip.Hash, $"seed {seed} step {step} (replay with CHAIN_MODEL_SEED={seed}): tip {chain.Tip} but the model says {model.Tip}");
        var expected = model.StateAt(model.Tip);
        foreach (var address in addresses)
        {
            Assert.Equal(expected.GetValueOrDefault(address), chain.GetAccount(address));
            Assert.Equal(model.ImmatureAt(model.Tip, address), chain.GetImmatureBalance(address));
        }

        // Every mempool transaction applies, in nonce order per sender, on top of the tip.
        var pending = new Dictionary<Address, AccountState>(expected);
        foreach (var tx in chain.GetMempool().OrderBy(t => t.Nonce))
        {
            Assert.Null(chain.FindTransaction(tx.Id)?.Block);
            var account = pending.GetValueOrDefault(tx.Sender);
            Assert.True(TransactionRules.CheckAgainst(tx, account).IsValid, $"seed {seed} step {step} (replay with CHAIN_MODEL_SEED={seed}): mempool holds {tx.Id} invalid at the tip");
            pending[tx.Sender] = new AccountState(account.Balance - tx.Amount - tx.Fee, account.Nonce + 1);
        }
    }

    /// <summary>The reference: the block tree, the tip (longest branch, first seen wins), and state by replay.</summary>
    private sealed class Model(BlockIndex genesis)
    {
        private readonly List<BlockIndex> _blocks = [genesis];

        public BlockIndex Tip { get; private set; } = genesis;

        public void Add(BlockIndex entry)
        {
            _blocks.Add(entry);
            if (entry.Height > Tip.Height)
            {
                Tip = entry;
            }
        }

        public BlockIndex RandomBlock(Random rng) => _blocks[rng.Next(_blocks.Count)];

        public BlockIndex RandomLeaf(Random rng)
        {
            var leaves = _blocks.Where(b => !_blocks.Any(c => c.Parent == b)).ToList();
            return leaves[rng.Next(leaves.Count)];
        }

        // The coinbases of the last maturity − 1 blocks, not yet in the state.
        public long ImmatureAt(BlockIndex tip, Address address)
        {
            long immature = 0;
            var e = tip;
            for (var i = 1; i < NetworkParameters.Dev.CoinbaseMaturity && e.Parent is not null; i++, e = e.Parent)
            {
                var coinbase = e.Block.Transactions[0];
                immature += coinbase.Recipient == address ? coinbase.Amount : 0;
            }

            return immature;
        }

        public Dictionary<Address, AccountState> StateAt(BlockIndex tip)
        {
            var path = new List<Block>();
            for (var e = tip; e.Parent is not null; e = e.Parent)
            {
                path.Add(e.Block);
            }

            path.Reverse();
            var state = new Dictionary<Address, AccountState>();
            foreach (var block in path)
            {
                foreach (var tx in block.Transactions.Skip(1))
                {
                    var sender = state.GetValueOrDefault(tx.Sender);
                    state[tx.Sender] = new AccountState(sender.Balance - tx.Amount - tx.Fee, sender.Nonce + 1);
                    var recipient = state.GetValueOrDefault(tx.Recipient);
                    state[tx.Recipient] = recipient with { Balance = recipient.Balance + tx.Amount };
                }

                // Coinbase maturity: the state after block h holds the coinbases of blocks up to h − maturity + 1.
                var matured = (int)block.Height - NetworkParameters.Dev.CoinbaseMaturity + 1;
                if (matured >= 1)
                {
                    var coinbase = path[matured - 1].Transactions[0];
                    var miner = state.GetValueOrDefault(coinbase.Recipient);
                    state[coinbase.Recipient] = miner with { Balance = miner.Balance + coinbase.Amount };
                }
            }

            return state;
        }
    }
}
