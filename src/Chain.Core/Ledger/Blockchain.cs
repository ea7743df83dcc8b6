using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Mempool;
using Chain.Core.Persistence;

namespace Chain.Core.Ledger;

/// <summary>
/// The node's ledger: the chain state and the mempool behind one lock, the single place where blocks and
/// transactions enter. Every accepted block is appended to the archive before this returns, so callers
/// announce only what is durable. Events are raised under the lock, in order; handlers must be quick
/// (signal, enqueue) and must not call back into this object from another thread and wait for it.
/// </summary>
public sealed class Blockchain
{
    private readonly Lock _lock = new();
    private readonly ChainState _state;
    private readonly TransactionPool _pool;
    private readonly SignatureCache _signatures = new();
    private readonly TimeProvider _time;
    private readonly IBlockArchive? _archive;

    // Null while the mempool matches the tip. Otherwise an update of the mempool failed (a store read) and left it as it
    // was before that update: these are the transactions of disconnected blocks it has still to take back, and it is
    // reconciled whole, with them, before a template is built or when the tip next moves.
    private List<Transaction>? _owedToPool;

    /// <summary>
    /// Creates a ledger with an empty mempool on the chain state in <paramref name="store"/> (in memory when null): the
    /// network's genesis block alone when the store is empty, else the state it holds (see <see cref="ChainState"/>;
    /// throws <see cref="ChainStateStoreException"/> when that disagrees with the archive). Blocks stored in the archive
    /// leave memory but for a cache of the most recent, <paramref name="blockCacheBytes"/> of encoded size; accounts in a
    /// store leave it but for a cache of <paramref name="stateCacheBytes"/> (see <see cref="AccountCache"/>).
    /// </summary>
    public Blockchain(
        NetworkParameters network,
        TimeProvider time,
        IBlockArchive? archive = null,
        int mempoolCapacity = TransactionPool.DefaultCapacity,
        ChainStateStore? store = null,
        long blockCacheBytes = BlockBodyCache.DefaultCapacityBytes,
        long stateCacheBytes = AccountCache.DefaultCapacityBytes)
    {
        Network = network;
        _time = time;
        _archive = archive;
        var bodies = archive is null ? null : new BlockBodyCache(archive, blockCacheBytes);
        _state = new ChainState(network, time, _signatures, OrphanPool.DefaultCapacity, store, bodies, stateCacheBytes);
        _pool = new TransactionPool(mempoolCapacity);
    }

    /// <summary>Raised when the best chain moves.</summary>
    public event Action<ChainUpdate>? TipChanged;

    /// <summary>Raised when a transaction enters the mempool (not when a reorganisation returns one).</summary>
    public event Action<Transaction>? TransactionAdded;

    /// <summary>
    /// Raised with the exception when a <see cref="TipChanged"/> or <see cref="TransactionAdded"/> handler throws.
    /// The ledger has already changed by then, so the exception never reaches whoever submitted the block or
    /// transaction, and the other handlers still run.
    /// </summary>
    public event Action<Exception>? HandlerFailed;

    /// <summary>The consensus rules.</summary>
    public NetworkParameters Network { get; }

    /// <summary>The consensus engine (chosen from <see cref="NetworkParameters.Consensus"/>); safe to use from any thread.</summary>
    public IConsensusEngine Engine => _state.Engine;

    /// <summary>The best chain's tip.</summary>
    public BlockIndex Tip
    {
        get
        {
            lock (_lock)
            {
                return _state.Tip;
            }
        }
    }

    /// <summary>Number of transactions in the mempool.</summary>
    public int MempoolCount
    {
        get
        {
            lock (_lock)
            {
                return _pool.Count;
            }
        }
    }

    /// <summary>Bytes of the mempool's transactions in their encoding (walks the pool: for metrics, not hot paths).</summary>
    public long MempoolBytes
    {
        get
        {
            lock (_lock)
            {
                return _pool.All.Sum(tx => (long)tx.EncodedSize);
            }
        }
    }

    /// <summary>Number of blocks in the block tree (every branch, genesis included).</summary>
    public int BlockCount
    {
        get
        {
            lock (_lock)
            {
                return _state.BlockCount;
            }
        }
    }

    /// <summary>Number of orphan blocks held (bounded by <see cref="OrphanPool.DefaultCapacity"/> and <see cref="OrphanPool.DefaultMaxBytes"/>).</summary>
    public int OrphanCount
    {
        get
        {
            lock (_lock)
            {
                return _state.OrphanCount;
            }
        }
    }

    /// <summary>
    /// Replays blocks, validating each, without handing them to the archive (they stay in memory: tests and benchmarks
    /// preload a ledger so). Returns how many were refused (a store holds only blocks that were valid, so anything
    /// refused means the rules changed).
    /// </summary>
    public int Load(IEnumerable<Block> blocks)
    {
        lock (_lock)
        {
            var refused = 0;
            foreach (var block in blocks)
            {
                if (!SubmitBlockLocked(block, string.Empty, static _ => ChainStateStore.NoPosition).Accepted)
                {
                    refused++;
                }
            }

            return refused;
        }
    }

    /// <summary>
    /// Replays blocks the archive already holds at the given positions, validating each (signatures included) and
    /// recording them in the chain state without writing them again; <paramref name="replayed"/> hears of each (its
    /// index in <paramref name="blocks"/>) with its result once it is handled. Returns how many were refused as invalid.
    /// A second record of a block already replayed is a <see cref="BlockStatus.Duplicate"/>, not a refusal: a block held
    /// in the orphan pool when a start replayed it (its branch then lighter than the tip) is written again when a peer
    /// sends it again once it matters.
    /// </summary>
    public int Load(IReadOnlyList<StoredBlock> blocks, Action<int, Block, BlockResult>? replayed = null)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var positions = new Dictionary<Hash256, long>(blocks.Count);
        foreach (var stored in blocks)
        {
            positions.TryAdd(stored.Block.Hash, stored.Position);
        }

        long Position(Block block) => positions.TryGetValue(block.Hash, out var position)
            ? position
            : throw new InvalidOperationException($"Block {block} is not one of the blocks replayed.");

        lock (_lock)
        {
            var refused = 0;
            for (var i = 0; i < blocks.Count; i++)
            {
                var result = SubmitBlockLocked(blocks[i].Block, string.Empty, Position);
                if (result.Status == BlockStatus.Invalid)
                {
                    refused++;
                }

                replayed?.Invoke(i, blocks[i].Block, result);
            }

            return refused;
        }
    }

    /// <summary>Most threads verifying one block's signatures (default: every core; 1 verifies them in order).</summary>
    public int ValidationThreads
    {
        get => _state.ValidationThreads;
        set
        {
            lock (_lock)
            {
                _state.ValidationThreads = value;
            }
        }
    }

    /// <summary>Validates a block and adds it, reorganising and updating the mempool as needed.</summary>
    public BlockResult SubmitBlock(Block block) => SubmitBlock(block, string.Empty);

    /// <summary>
    /// As <see cref="SubmitBlock(Block)"/> for a block received from <paramref name="source"/> (a peer's id): when
    /// the orphan pool is full, the source holding the most orphan bytes loses its oldest first.
    /// </summary>
    public BlockResult SubmitBlock(Block block, string source)
    {
        var started = _time.GetTimestamp();
        BlockResult result;
        lock (_lock)
        {
            result = SubmitBlockLocked(block, source);
        }

        LedgerMetrics.BlockValidation.Record(_time.GetElapsedTime(started).TotalSeconds);
        LedgerMetrics.Blocks.Add(1, new KeyValuePair<string, object?>(LedgerMetrics.OutcomeTag, result.Accepted ? "accepted" : "refused"));
        return result;
    }

    /// <summary>Validates a transaction (signature included) and adds it to the mempool.</summary>
    public TxResult SubmitTransaction(Transaction tx)
    {
        var result = SubmitTransactionUncounted(tx);
        LedgerMetrics.Transactions.Add(1, LedgerMetrics.Outcome(result));
        return result;
    }

    private TxResult SubmitTransactionUncounted(Transaction tx)
    {
        if (tx.EncodedSize > Transaction.MaxEncodedSize)
        {
            return new(TxError.Oversized, $"{tx.EncodedSize} bytes exceeds {Transaction.MaxEncodedSize}");
        }

        lock (_lock)
        {
            if (IsKnown(tx))
            {
                return new(TxError.Duplicate, "already known");
            }
        }

        // The signature is the expensive part: verify it outside the lock so verification runs in parallel.
        var started = _time.GetTimestamp();
        var stateless = TransactionRules.CheckStateless(tx, Network, _signatures);
        LedgerMetrics.TransactionVerification.Record(_time.GetElapsedTime(started).TotalSeconds);
        if (!stateless.IsValid)
        {
            return stateless;
        }

        lock (_lock)
        {
            var result = _pool.Add(tx, _state.GetAccount(tx.Sender), _time.GetUtcNow());
            if (result.IsValid)
            {
                Raise(TransactionAdded, tx);
            }

            return result;
        }
    }

    /// <summary>
    /// Validates a batch of transactions and adds the valid ones to the mempool in the batch's order: the
    /// stateless checks (signatures) run in parallel on all cores, the mempool takes the batch under one lock
    /// acquisition. Each result is what <see cref="SubmitTransaction"/> would have returned for that transaction
    /// submitted after the ones before it.
    /// </summary>
    public IReadOnlyList<TxResult> SubmitTransactions(IReadOnlyList<Transaction> txs)
    {
        ArgumentNullException.ThrowIfNull(txs);
        var results = new TxResult?[txs.Count];
        lock (_lock)
        {
            for (var i = 0; i < txs.Count; i++)
            {
                var tx = txs[i];
                if (tx.EncodedSize > Transaction.MaxEncodedSize)
                {
                    results[i] = new(TxError.Oversized, $"{tx.EncodedSize} bytes exceeds {Transaction.MaxEncodedSize}");
                }
                else if (IsKnown(tx))
                {
                    results[i] = new(TxError.Duplicate, "already known");
                }
            }
        }

        // The signatures are the expensive part: verify them outside the lock, in parallel.
        if (txs.Count == 1)
        {
            results[0] ??= Stateless(txs[0]);
        }
        else
        {
            Parallel.For(0, txs.Count, i => results[i] ??= Stateless(txs[i]));
        }

        lock (_lock)
        {
            var now = _time.GetUtcNow();
            for (var i = 0; i < txs.Count; i++)
            {
                if (results[i] is { } refused && !refused.IsValid)
                {
                    continue;
                }

                var tx = txs[i];
                var result = _pool.Add(tx, _state.GetAccount(tx.Sender), now);
                results[i] = result;
                if (result.IsValid)
                {
                    Raise(TransactionAdded, tx);
                }
            }
        }

        foreach (var result in results)
        {
            LedgerMetrics.Transactions.Add(1, LedgerMetrics.Outcome(result!.Value));
        }

        return [.. results.Select(r => r!.Value)];
    }

    // Whether the mempool or a best-chain block holds tx (under the lock). A block applies each sender's nonces in
    // order, so every transfer of the best chain has a nonce below its sender's confirmed nonce: a transfer at or above
    // it cannot be in a block, and the transaction index (a store read) is asked only for one below it or a coinbase.
    private bool IsKnown(Transaction tx) =>
        _pool.Contains(tx.Id) || ((tx.IsCoinbase || tx.Nonce < _state.GetAccount(tx.Sender).Nonce) && _state.ContainsTransaction(tx.Id));

    // Null when valid, so the ordered pass adds it.
    private TxResult? Stateless(Transaction tx)
    {
        var started = _time.GetTimestamp();
        var result = TransactionRules.CheckStateless(tx, Network, _signatures);
        LedgerMetrics.TransactionVerification.Record(_time.GetElapsedTime(started).TotalSeconds);
        return result.IsValid ? null : result;
    }

    /// <summary>A block template paying <paramref name="miner"/>: best mempool transactions, coinbase with reward plus fees, nonce 0.</summary>
    public Block CreateTemplate(Address miner, int maxTransactions = 5_000) => CreateTemplate(miner, sealer: null, maxTransactions);

    /// <summary>
    /// A block template paying <paramref name="miner"/>: best mempool transactions, coinbase with reward plus fees, and
    /// the header the engine prepares for <paramref name="sealer"/> to seal (nonce 0 for proof of work).
    /// </summary>
    public Block CreateTemplate(Address miner, SealerIdentity? sealer, int maxTransactions = 5_000)
    {
        lock (_lock)
        {
            // A tip a failed reorganisation left off the best chain is not built on: the ledger returns to the best chain
            // first, as the next block submitted would. While the store still fails it cannot, and the template builds
            // on the tip it is on (a block that would fail to store anyway).
            TryStore(ReturnToBestChain);
            var parent = _state.Tip;
            var height = parent.Height + 1;
            var coinbaseRoom = Transaction.MaxEncodedSize + 4;

            // A mempool behind the tip may hold transactions the chain already has or no longer allows: while it cannot
            // be brought up to date (the store still failing, which the next block submitted reports), the template
            // takes none of them rather than make an invalid block.
            var picked = !TryStore(UpdatePool) ? [] : _pool.SelectForBlock(Math.Min(maxTransactions, Network.MaxBlockTransactions - 1), Network.MaxBlockBytes - _state.Engine.MaxHeaderSize - 4 - coinbaseRoom);
            long fees = 0;
            foreach (var tx in picked)
            {
                fees = checked(fees + tx.Fee);
            }

            var coinbase = Transaction.CreateCoinbase(Network.Magic, miner, checked(Network.BlockReward(height) + fees), height);
            var txs = new List<Transaction>(picked.Count + 1) { coinbase };
            txs.AddRange(picked);
            var header = _state.Engine.Prepare(parent, MerkleTree.ComputeRoot(txs), _time.GetUtcNow().ToUnixTimeSeconds(), sealer);
            return new Block(header, txs);
        }
    }

    /// <summary>Confirmed state of an address at the tip.</summary>
    public AccountState GetAccount(Address address)
    {
        lock (_lock)
        {
            return _state.GetAccount(address);
        }
    }

    /// <summary>Coinbase amounts paid to an address that have not matured yet (see <see cref="ChainState.GetImmatureBalance"/>).</summary>
    public long GetImmatureBalance(Address address)
    {
        lock (_lock)
        {
            return _state.GetImmatureBalance(address);
        }
    }

    /// <summary>The state an address will have once its pending transactions are mined (its next nonce to use).</summary>
    public AccountState GetPendingAccount(Address address)
    {
        lock (_lock)
        {
            return _pool.PendingState(address, _state.GetAccount(address));
        }
    }

    /// <summary>A block of the tree by hash.</summary>
    public BlockIndex? GetBlock(Hash256 hash)
    {
        lock (_lock)
        {
            return _state.GetEntry(hash);
        }
    }

    /// <summary>The best chain's block at a height.</summary>
    public BlockIndex? GetBlockByHeight(uint height)
    {
        lock (_lock)
        {
            return _state.GetByHeight(height);
        }
    }

    /// <summary>Whether the block is in the tree or the orphan pool.</summary>
    public bool KnowsBlock(Hash256 hash)
    {
        lock (_lock)
        {
            return _state.Knows(hash);
        }
    }

    /// <summary>Whether the block is held for its branch's low work (see <see cref="BlockStatus.Held"/>): it hangs off the tree.</summary>
    public bool HoldsSideBlock(Hash256 hash)
    {
        lock (_lock)
        {
            return _state.HoldsSideBlock(hash);
        }
    }

    /// <summary>Whether the transaction is in the mempool or the best chain.</summary>
    public bool KnowsTransaction(Hash256 id)
    {
        lock (_lock)
        {
            return _pool.Contains(id) || _state.ContainsTransaction(id);
        }
    }

    /// <summary>A transaction by id: from the best chain with its block, or from the mempool with a null block.</summary>
    public (Transaction Tx, BlockIndex? Block)? FindTransaction(Hash256 id)
    {
        lock (_lock)
        {
            if (_state.FindTransaction(id) is { } found)
            {
                return (found.Tx, found.Block);
            }

            return _pool.Get(id) is { } pending ? (pending, null) : null;
        }
    }

    /// <summary>A mempool transaction by id.</summary>
    public Transaction? GetMempoolTransaction(Hash256 id)
    {
        lock (_lock)
        {
            return _pool.Get(id);
        }
    }

    /// <summary>A snapshot of the mempool, by sender and nonce.</summary>
    public List<Transaction> GetMempool()
    {
        lock (_lock)
        {
            return [.. _pool.All];
        }
    }

    /// <summary>The block locator of the best chain (see <see cref="ChainState.GetLocator"/>).</summary>
    public List<Hash256> GetLocator()
    {
        lock (_lock)
        {
            return _state.GetLocator();
        }
    }

    /// <summary>
    /// The index entries of up to <paramref name="max"/> best-chain blocks after the fork point named by a peer's
    /// locator, with no body read: the caller reads each (<see cref="BlockIndex.EncodeBlock"/>) outside the ledger's lock.
    /// </summary>
    public List<BlockIndex> GetEntriesAfter(IEnumerable<Hash256> locator, int max)
    {
        lock (_lock)
        {
            var entries = new List<BlockIndex>();
            for (var height = _state.FindFork(locator).Height + 1; entries.Count < max && _state.GetByHeight(height) is { } entry; height++)
            {
                entries.Add(entry);
            }

            return entries;
        }
    }

    /// <summary>The earliest ancestor held in the orphan pool for an orphan.</summary>
    public Hash256 FindOrphanRoot(Hash256 hash)
    {
        lock (_lock)
        {
            return _state.FindOrphanRoot(hash);
        }
    }

    /// <summary>Best-chain transactions that pay or are paid by <paramref name="address"/>, newest first.</summary>
    public List<(Transaction Tx, BlockIndex Block)> GetHistory(Address address, int max)
    {
        lock (_lock)
        {
            return _state.GetHistory(address, max);
        }
    }

    /// <summary>
    /// The public key <paramref name="address"/> signs with: from its newest best-chain transfer, else from one of its
    /// in the mempool; null when it has sent none. Reads the address index until the first transfer it sent.
    /// </summary>
    public byte[]? FindSenderKey(Address address)
    {
        lock (_lock)
        {
            return _state.FindSenderKey(address) ?? _pool.All.FirstOrDefault(t => t.Sender == address)?.SenderPublicKey;
        }
    }

    /// <summary>Drops mempool transactions that waited longer than the expiry; returns how many.</summary>
    public int ExpireMempool()
    {
        lock (_lock)
        {
            return _pool.Expire(_time.GetUtcNow());
        }
    }

    // Each handler on its own: one that throws neither skips the others nor fails the submission that raised it; its
    // exception goes to HandlerFailed, whose own subscribers' exceptions are dropped (nothing is left to report to).
    private void Raise<T>(Action<T>? handlers, T argument) => InvokeEach(handlers, argument, report: true);

    private void InvokeEach<T>(Action<T>? handlers, T argument, bool report)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in Delegate.EnumerateInvocationList(handlers))
        {
            try
            {
                handler(argument);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (report)
                {
                    InvokeEach(HandlerFailed, e, report: false);
                }
            }
        }
    }

    private BlockResult SubmitBlockLocked(Block block, string source = "", Func<Block, long>? store = null)
    {
        var oldTip = _state.Tip;
        BlockResult result;
        try
        {
            result = _state.Add(block, store ?? (_archive is null ? null : _archive.Append), source);
        }
        catch
        {
            // The store or the archive failed after the tip moved (a block connected before an adopted orphan failed,
            // or the previous best chain could not be put back whole): the mempool and the subscribers follow the tip
            // the chain state is on, then the caller gets the failure.
            ReportMoveSince(oldTip);
            throw;
        }

        if (_state.Tip != oldTip)
        {
            OnTipMoved(result.Disconnected, result.Connected);
        }

        return result;
    }

    // Brings the mempool to the new tip and tells the subscribers, who hear of it even if the mempool's account reads
    // fail (the exception then goes on to the caller, and the mempool, left as it was, is updated later: see _owedToPool).
    private void OnTipMoved(IReadOnlyList<Block> disconnected, IReadOnlyList<Block> connected)
    {
        try
        {
            if (disconnected.Count == 0 && _owedToPool is null)
            {
                // Confirm may fail part way (after dropping the transactions the blocks confirm, before re-checking
                // every sender they spent from): a full reconciliation then finishes its work.
                _owedToPool = [];
                _pool.Confirm(connected, _state.GetAccount, _time.GetUtcNow());
                _owedToPool = null;
            }
            else
            {
                (_owedToPool ??= []).AddRange(disconnected.SelectMany(b => b.Transactions));
                UpdatePool();
            }
        }
        finally
        {
            Raise(TipChanged, new ChainUpdate(_state.Tip, disconnected, connected));
        }
    }

    // Reconciles the mempool with the tip if an earlier update failed; throws as the store does.
    private void UpdatePool()
    {
        if (_owedToPool is { } returning)
        {
            _pool.Reconcile(_state.GetAccount, returning, _state.ContainsTransaction, _time.GetUtcNow());
            _owedToPool = null;
        }
    }

    // Returns the chain state to its best chain if a failed reorganisation left it off it, and reports the move as a
    // submitted block's is reported (the mempool follows, subscribers hear of it), even when the store fails part way;
    // throws as the store does.
    private void ReturnToBestChain()
    {
        var oldTip = _state.Tip;
        try
        {
            _state.ReturnToBestChain();
        }
        finally
        {
            ReportMoveSince(oldTip);
        }
    }

    // After a step that may have moved the tip part way and thrown: reports whatever move the chain state made.
    private void ReportMoveSince(BlockIndex oldTip)
    {
        if (_state.Tip != oldTip)
        {
            var (disconnected, connected) = _state.ChangesSince(oldTip);
            OnTipMoved(disconnected, connected);
        }
    }

    // Runs a step that reads or writes the store, false instead of the store's exception (a failed or damaged read or
    // write); anything else is a bug and goes on.
    private static bool TryStore(Action step)
    {
        try
        {
            step();
            return true;
        }
        catch (Exception e) when (e is IOException or ChainStateStoreException or StoreCorruptException)
        {
            return false;
        }
    }
}
