using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Persistence;

namespace Chain.Core.Ledger;

/// <summary>
/// The block tree, the best chain through it and the account state at its tip. Fork choice is most
/// cumulative work; on equal work the chain seen first stays. Not thread-safe: <see cref="Blockchain"/>
/// serialises access.
/// </summary>
/// <remarks>
/// The block tree's headers live in memory; the chain state store holds them too, with the accounts, the undo data,
/// the tip and the transaction and address indexes, written in one batch per connected or disconnected block (after
/// the block is durable in the archive). The accounts are read through a bounded <see cref="AccountCache"/>, updated
/// only after each batch is written (a ledger without a store keeps every account). A chain created on a store that
/// already holds a state loads its block index and tip instead of replaying history, and no account; stored block
/// bodies are read back through the <see cref="BlockBodyCache"/>.
/// </remarks>
public sealed partial class ChainState
{
    private readonly NetworkParameters _network;
    private readonly IConsensusEngine _engine;
    private readonly Func<BlockHeader, UInt128> _work;
    private readonly TimeProvider _time;
    private readonly SignatureCache _signatures;
    private readonly Dictionary<Hash256, BlockIndex> _index = [];
    private readonly List<BlockIndex> _active = [];
    private readonly AccountCache _accounts;
    private readonly ChainStateStore _store;
    private readonly BlockBodyCache? _bodies;
    private readonly OrphanPool _orphans;
    private Func<Block, long>? _onStored;

    // Whether the tip may have less work than a valid branch of the tree: a reorganisation's store writes failed and so
    // did putting the previous best chain back. A restarted node would activate the best chain at load; a running one
    // does in ReturnToBestChain, which clears the flag once that succeeds.
    private bool _offBestChain;

    /// <summary>Most threads verifying one block's signatures (default: every core; 1 verifies them in order).</summary>
    public int ValidationThreads
    {
        get;
        set => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least one thread.");
    } = Environment.ProcessorCount;

    /// <summary>
    /// Creates a chain on <paramref name="store"/> (in memory when null): one holding only the network's genesis block
    /// when the store is empty, else the state the store holds, checked against the block file (its tip's record must
    /// be there) and moved to its most-work valid block. Bodies of stored blocks are read through
    /// <paramref name="bodies"/> (without it, every block stays in memory). Throws
    /// <see cref="ChainStateStoreException"/> when the store belongs to another network or format or disagrees with
    /// itself or the block file. Accounts are cached up to <paramref name="stateCacheBytes"/> (see
    /// <see cref="AccountCache.EntryBytes"/>) when a store is given; without one the chain keeps every account.
    /// </summary>
    public ChainState(
        NetworkParameters network,
        TimeProvider time,
        SignatureCache signatures,
        int orphanCapacity = OrphanPool.DefaultCapacity,
        ChainStateStore? store = null,
        BlockBodyCache? bodies = null,
        long stateCacheBytes = AccountCache.DefaultCapacityBytes)
    {
        _network = network;
        _engine = ConsensusEngine.Create(network);
        _work = _engine.Work;
        _time = time;
        _signatures = signatures;
        _orphans = new OrphanPool(orphanCapacity);
        _store = store ?? new ChainStateStore(new MemoryKeyValueStore());
        _bodies = bodies;
        var fresh = _store.ReadMeta() is null;
        _accounts = new AccountCache(store is null ? AccountCache.Unbounded : AccountCache.CapacityFor(stateCacheBytes), _store.ReadAccount, complete: fresh);
        var genesis = new BlockIndex(network.Genesis, null, _engine.Work(network.Genesis.Header)) { IsIndexed = true };
        _index[genesis.Hash] = genesis;
        _active.Add(genesis);
        if (fresh)
        {
            var batch = new WriteBatch();
            ChainStateStore.PutMeta(batch, network);
            ChainStateStore.PutIndexEntry(batch, genesis, recordLength: null);
            ChainStateStore.PutTip(batch, genesis);
            ChainStateStore.PutBlockTransactions(batch, genesis, network.Genesis, remove: false);

            // Genesis allocations are balances from the start, not coinbases: no maturity applies to them.
            var allocated = new Dictionary<Address, AccountState>();
            foreach (var (address, amount) in network.Allocations)
            {
                allocated[address] = TransactionRules.Credit(allocated.GetValueOrDefault(address), amount);
            }

            foreach (var (address, account) in allocated)
            {
                ChainStateStore.PutAccount(batch, address, account);
            }

            _store.Store.Write(batch);
            foreach (var (address, account) in allocated)
            {
                _accounts.Set(address, account);
            }
        }
        else
        {
            LoadStored();
        }
    }

    /// <summary>The network these rules belong to.</summary>
    public NetworkParameters Network => _network;

    /// <summary>The consensus engine chosen from the network's consensus section.</summary>
    public IConsensusEngine Engine => _engine;

    /// <summary>The best chain's last block.</summary>
    public BlockIndex Tip => _active[^1];

    /// <summary>The genesis block's entry.</summary>
    public BlockIndex Genesis => _active[0];

    /// <summary>Height of the tip.</summary>
    public uint Height => Tip.Height;

    /// <summary>Number of blocks in the tree (all branches).</summary>
    public int BlockCount => _index.Count;

    /// <summary>Number of orphan blocks held.</summary>
    public int OrphanCount => _orphans.Count;

    /// <summary>Confirmed state of <paramref name="address"/> at the tip: its balance is what the next block's transfers may spend (matured coinbases only).</summary>
    public AccountState GetAccount(Address address) => _accounts.Get(address).GetValueOrDefault();

    /// <summary>
    /// Coinbase amounts paid to <paramref name="address"/> by best-chain blocks whose coinbase has not matured yet
    /// (not part of <see cref="GetAccount"/>'s balance; see <see cref="NetworkParameters.CoinbaseMaturity"/>).
    /// </summary>
    public long GetImmatureBalance(Address address)
    {
        long immature = 0;
        var lag = (uint)(_network.CoinbaseMaturity - 1);
        for (var height = Tip.Height; height > 0 && height + lag > Tip.Height; height--)
        {
            var entry = _active[(int)height];
            if (entry.CoinbaseRecipient == address)
            {
                immature = checked(immature + entry.CoinbaseAmount);
            }
        }

        return immature;
    }

    /// <summary>Any block of the tree by hash.</summary>
    public BlockIndex? GetEntry(Hash256 hash) => _index.GetValueOrDefault(hash);

    /// <summary>Whether the block is in the tree or the orphan pool.</summary>
    public bool Knows(Hash256 hash) => _index.ContainsKey(hash) || _orphans.Contains(hash);

    /// <summary>Whether the block is held for its branch's low work (in the pool, with its held ancestry reaching the tree).</summary>
    public bool HoldsSideBlock(Hash256 hash) =>
        _orphans.Contains(hash) && _index.ContainsKey(_orphans.HeldPath(hash)[0].Header.PreviousHash);

    /// <summary>The best chain's block at <paramref name="height"/>.</summary>
    public BlockIndex? GetByHeight(uint height) => height < (uint)_active.Count ? _active[(int)height] : null;

    /// <summary>Whether <paramref name="entry"/> is on the best chain.</summary>
    public bool IsOnBestChain(BlockIndex entry) => entry.Height < (uint)_active.Count && _active[(int)entry.Height] == entry;

    /// <summary>
    /// Whether a best-chain block holds the transaction: the same answer as <see cref="FindTransaction"/> returning
    /// non-null, without scanning the block for it.
    /// </summary>
    public bool ContainsTransaction(Hash256 id) => _store.ContainsTransaction(id);

    /// <summary>A best-chain transaction and the block holding it (from the transaction index).</summary>
    public (Transaction Tx, BlockIndex Block)? FindTransaction(Hash256 id)
    {
        if (_store.FindTransaction(id) is not { } location)
        {
            return null;
        }

        var entry = _index.GetValueOrDefault(location.Block)
            ?? throw new ChainStateStoreException($"the transaction index names block {location.Block} for {id}, a block the index does not hold; start with --reindex");
        var tx = ReadTransaction(entry, location.Index, location.Offset, location.Length);
        return tx.Id == id
            ? (tx, entry)
            : throw new ChainStateStoreException($"the transaction index places {id} in block {entry}, which holds {tx.Id} there; start with --reindex");
    }

    /// <summary>
    /// Best-chain transactions that pay or are paid by <paramref name="address"/>, newest block first and in block order
    /// within a block, at most <paramref name="max"/> (from the address index).
    /// </summary>
    public List<(Transaction Tx, BlockIndex Block)> GetHistory(Address address, int max)
    {
        var found = new List<(Transaction, BlockIndex)>();
        if (max <= 0)
        {
            return found;
        }

        foreach (var (height, places) in _store.ReadHistory(address))
        {
            var entry = GetByHeight(height)
                ?? throw new ChainStateStoreException($"the address index names height {height}, above the tip {Tip}; start with --reindex");
            foreach (var (index, offset, length) in places)
            {
                found.Add((ReadTransaction(entry, index, offset, length), entry));
                if (found.Count == max)
                {
                    return found;
                }
            }
        }

        return found;
    }

    /// <summary>
    /// The public key of <paramref name="address"/> as its newest best-chain transfer carries it, or null when it sent
    /// none (the address index read newest first, one transaction at a time, until a transfer it sent).
    /// </summary>
    public byte[]? FindSenderKey(Address address)
    {
        foreach (var (height, places) in _store.ReadHistory(address))
        {
            var entry = GetByHeight(height)
                ?? throw new ChainStateStoreException($"the address index names height {height}, above the tip {Tip}; start with --reindex");
            foreach (var (index, offset, length) in places)
            {
                var tx = ReadTransaction(entry, index, offset, length);
                if (!tx.IsCoinbase && tx.Sender == address)
                {
                    return tx.SenderPublicKey;
                }
            }
        }

        return null;
    }

    // A transaction of a block: from its body when that is in memory, else read alone from the block file.
    private Transaction ReadTransaction(BlockIndex entry, int index, int offset, int length)
    {
        if (entry.LoadedBlock is { } block)
        {
            return index < block.Transactions.Count
                ? block.Transactions[index]
                : throw new ChainStateStoreException($"an index names transaction {index} of block {entry}, which has {block.Transactions.Count}; start with --reindex");
        }

        return _bodies!.Archive.ReadTransaction(entry.Position, offset, length);
    }

    /// <summary>The earliest ancestor held in the orphan pool for an orphan (what to ask a peer for).</summary>
    public Hash256 FindOrphanRoot(Hash256 hash) => _orphans.FindRoot(hash);

    /// <summary>
    /// Hashes describing the best chain for a peer to find the fork point: the last 10 blocks, then
    /// exponentially sparser ones, then genesis (Bitcoin's block locator).
    /// </summary>
    public List<Hash256> GetLocator()
    {
        var hashes = new List<Hash256>();
        long step = 1;
        for (long height = Tip.Height; height > 0; height -= step)
        {
            hashes.Add(_active[(int)height].Hash);
            if (hashes.Count >= 10)
            {
                step *= 2;
            }
        }

        hashes.Add(Genesis.Hash);
        return hashes;
    }

    /// <summary>The highest best-chain block named in <paramref name="locator"/> (genesis if none).</summary>
    public BlockIndex FindFork(IEnumerable<Hash256> locator)
    {
        foreach (var hash in locator)
        {
            if (_index.TryGetValue(hash, out var entry) && IsOnBestChain(entry))
            {
                return entry;
            }
        }

        return Genesis;
    }

    /// <summary>Up to <paramref name="max"/> best-chain blocks after <paramref name="fork"/>.</summary>
    public List<Block> GetBlocksAfter(BlockIndex fork, int max)
    {
        var blocks = new List<Block>();
        for (var height = fork.Height + 1; height < (uint)_active.Count && blocks.Count < max; height++)
        {
            blocks.Add(_active[(int)height].Block);
        }

        return blocks;
    }

    /// <summary>
    /// Validates a block and adds it to the tree, reorganising to it if its branch has more work.
    /// <paramref name="onStored"/> sees every block that enters the tree (this one and adopted orphans)
    /// before it does, so a caller can make it durable first (returning the position to read it back from, or -1 to keep it
    /// in memory). <paramref name="source"/> names the peer it came
    /// from, so an orphan flood evicts the flooder's own orphans first. When a failed reorganisation left the tip off the
    /// best chain, it first returns to it (<see cref="ReturnToBestChain"/>): the result's status is the block's, its
    /// disconnected and connected blocks count that move too.
    /// </summary>
    public BlockResult Add(Block block, Func<Block, long>? onStored = null, string source = "")
    {
        _onStored = onStored;
        try
        {
            var oldTip = Tip;
            ReturnToBestChain();
            if (Tip == oldTip)
            {
                return AddCore(block, source);
            }

            var result = AddCore(block, source);
            var (disconnected, connected) = ChangesSince(oldTip);
            return result with { Disconnected = disconnected, Connected = connected };
        }
        finally
        {
            _onStored = null;
        }
    }

    private BlockResult AddCore(Block block, string source)
    {
        var hash = block.Hash;
        if (_index.TryGetValue(hash, out var known))
        {
            return known.IsInvalid
                ? BlockResult.Invalid(BlockError.InvalidAncestor, "the block is known to be invalid")
                : new BlockResult(BlockStatus.Duplicate, BlockError.None, "already known");
        }

        if (_orphans.Contains(hash))
        {
            return new BlockResult(BlockStatus.Duplicate, BlockError.None, "already held as an orphan");
        }

        var (error, message) = CheckHeader(block);
        if (error != BlockError.None)
        {
            return BlockResult.Invalid(error, message);
        }

        var oldTip = Tip;
        if (!_index.TryGetValue(block.Header.PreviousHash, out var parent))
        {
            (error, message) = CheckTransfers(block);
            if (error != BlockError.None)
            {
                return BlockResult.Invalid(error, message);
            }

            _orphans.Add(block, source);

            // It may extend a branch held for its low work (its root's parent is in the tree) far enough to matter.
            return TryPromoteHeld(hash) is { } promoted
                ? WithChainChange(promoted, oldTip)
                : new BlockResult(BlockStatus.Orphan, BlockError.None, $"parent {block.Header.PreviousHash} unknown");
        }

        if (!parent.IsInvalid && HasTooLittleWork(parent, block))
        {
            return Hold(block, parent, source);
        }

        var result = AcceptWithParent(block, parent);
        if (result.Accepted)
        {
            AdoptOrphans(hash);
        }

        return WithChainChange(result, oldTip);
    }

    // Fork choice: more work wins; on equal work the engine breaks the tie (proof of work: the branch seen first stays).
    private bool IsBetter(BlockIndex candidate, BlockIndex current) =>
        candidate.CumulativeWork > current.CumulativeWork
        || (candidate.CumulativeWork == current.CumulativeWork && candidate != current && _engine.WinsTie(candidate, current));

    // Anti-DoS: a block whose branch would have less work than the best chain, counting the heaviest chain of its
    // descendants already held, cannot move the tip, so it is neither validated beyond its header and its parent's
    // context nor stored: it waits in the bounded orphan pool (per source, so a flooder evicts its own first) until
    // blocks building on it bring its branch level with the tip.
    private bool HasTooLittleWork(BlockIndex parent, Block block) =>
        parent.CumulativeWork + _engine.Work(block.Header) + _orphans.HeaviestDescendantWork(block.Hash, _work) < Tip.CumulativeWork;

    private BlockResult Hold(Block block, BlockIndex parent, string source)
    {
        var (error, message) = CheckContext(block, parent);
        if (error == BlockError.None)
        {
            (error, message) = CheckTransfers(block);
        }

        if (error != BlockError.None)
        {
            return BlockResult.Invalid(error, message);
        }

        _orphans.Add(block, source);
        return new BlockResult(BlockStatus.Held, BlockError.None, "held: its branch has less work than the best chain");
    }

    // The orphan just added may complete a held branch: when its earliest held ancestor's parent is in the tree and
    // that branch now has the tip's work, the branch is accepted in order (validated, stored, connected if it leads),
    // each block leaving the pool once accepted or refused. Should the store fail, the blocks not yet accepted stay
    // held, so the next block of the branch promotes them. Null when the orphan's ancestry does not reach the tree.
    private BlockResult? TryPromoteHeld(Hash256 hash)
    {
        var root = _orphans.HeldPath(hash)[0];
        if (!_index.TryGetValue(root.Header.PreviousHash, out var parent) || parent.IsInvalid)
        {
            return null;
        }

        if (HasTooLittleWork(parent, root))
        {
            return new BlockResult(BlockStatus.Held, BlockError.None, "held: its branch has less work than the best chain");
        }

        var result = AcceptWithParent(root, parent);
        _orphans.Remove(root.Hash);
        if (!result.Accepted)
        {
            return root.Hash == hash ? result : BlockResult.Invalid(BlockError.InvalidAncestor, $"ancestor {root.Hash} is invalid: {result.Message}");
        }

        if (root.Hash == hash)
        {
            AdoptOrphans(hash);
            return result;
        }

        return AdoptOrphans(root.Hash, hash) ?? new BlockResult(BlockStatus.Held, BlockError.None, "held: its branch has less work than the best chain");
    }

    // The result with the blocks that left and joined the best chain since oldTip.
    private BlockResult WithChainChange(BlockResult result, BlockIndex oldTip)
    {
        if (Tip == oldTip)
        {
            return result;
        }

        var (disconnected, connected) = ChangesSince(oldTip);
        var status = result.Status == BlockStatus.Invalid ? BlockStatus.Invalid : BlockStatus.Connected;
        return result with { Status = status, Disconnected = disconnected, Connected = connected };
    }

    // Accepts the held descendants of a block that just entered the tree, those with too little work staying held.
    // Returns what became of watched (null when it was not reached). Each child leaves the pool only once accepted or
    // refused: when the store fails, it and the children not yet reached stay held (their parents in the tree) and no
    // block in the tree stays in the pool.
    private BlockResult? AdoptOrphans(Hash256 parentHash, Hash256? watched = null)
    {
        BlockResult? outcome = null;
        var pending = new Queue<Hash256>();
        pending.Enqueue(parentHash);
        while (pending.TryDequeue(out var next))
        {
            var parent = _index[next];
            foreach (var (child, source) in _orphans.ChildEntries(next))
            {
                BlockResult result;
                if (HasTooLittleWork(parent, child))
                {
                    // Held again as before: it rejoins its source's arrival order at the back.
                    _orphans.Remove(child.Hash);
                    result = Hold(child, parent, source);
                }
                else
                {
                    result = AcceptWithParent(child, parent);
                    _orphans.Remove(child.Hash);
                }

                if (result.Status is BlockStatus.SideChain or BlockStatus.Connected)
                {
                    pending.Enqueue(child.Hash);
                }

                if (child.Hash == watched)
                {
                    outcome = result;
                }
            }
        }

        return outcome;
    }

    // Validates a block whose parent is in the tree (its header already checked) and stores it, connecting it when
    // its branch has the most work. Errors are reported in one order however the work is split over threads:
    // context, transfers, signatures (the lowest-indexed bad one), then state in block order. Only a block that is
    // accepted is handed to the store: a side block once checked, a block joining the best chain once its state
    // checks pass (and before its changes are applied).
    private BlockResult AcceptWithParent(Block block, BlockIndex parent)
    {
        if (parent.IsInvalid)
        {
            return BlockResult.Invalid(BlockError.InvalidAncestor, $"parent {parent.Hash} is invalid");
        }

        var (error, message) = CheckContext(block, parent);
        StateChanges? prepared = null;
        if (error == BlockError.None)
        {
            // On a block that extends the tip (the usual case) this thread checks the transfers and works out the
            // state changes while the other threads verify the signatures, so that work costs no time of its own;
            // the state changes are applied only once the signatures verify.
            var transfers = (Error: BlockError.None, Message: string.Empty);
            var extendsTip = parent == Tip;
            var signatures = CheckSignatures(block, () =>
            {
                // An adopted orphan had its transfers checked before it was held; checking again costs little and
                // keeps this the one place that guards every block that can connect.
                transfers = CheckTransfers(block);
                if (transfers.Error == BlockError.None && extendsTip)
                {
                    prepared = ComputeStateChanges(block);
                }

                return transfers.Error == BlockError.None;
            });
            (error, message) = transfers.Error != BlockError.None ? transfers : signatures;
        }

        if (error != BlockError.None)
        {
            return BlockResult.Invalid(error, message);
        }

        var entry = new BlockIndex(block, parent, _engine.Work(block.Header));
        if (!IsBetter(entry, Tip))
        {
            var batch = new WriteBatch();
            Persist(entry, block, batch);
            _store.Store.Write(batch);
            _index[entry.Hash] = entry;
            return new BlockResult(BlockStatus.SideChain, BlockError.None, "stored on a branch with no more work than the best chain");
        }

        _index[entry.Hash] = entry;
        (BlockIndex Failed, BlockError Error, string Message)? failure;
        try
        {
            failure = Reorganize(entry, prepared);
        }
        catch
        {
            // The store or the archive failed (Reorganize put the previous best chain back, or left the chain where its
            // last written batch did): the block was not connected and never entered the tree.
            _index.Remove(entry.Hash);
            throw;
        }

        if (failure is null)
        {
            return new BlockResult(BlockStatus.Connected, BlockError.None, "connected");
        }

        return failure.Value.Failed == entry
            ? BlockResult.Invalid(failure.Value.Error, failure.Value.Message)
            : BlockResult.Invalid(BlockError.InvalidAncestor, $"ancestor {failure.Value.Failed.Hash} is invalid: {failure.Value.Message}");
    }

    /// <summary>
    /// The blocks that left the best chain (tip first) and joined it (in height order) since <paramref name="oldTip"/>
    /// was its tip.
    /// </summary>
    public (List<Block> Disconnected, List<Block> Connected) ChangesSince(BlockIndex oldTip) => Difference(oldTip, Tip);

    // The blocks leaving and joining the best chain when the tip moves from oldTip to newTip.
    private static (List<Block> Disconnected, List<Block> Connected) Difference(BlockIndex oldTip, BlockIndex newTip)
    {
        var fork = FindCommonAncestor(oldTip, newTip);
        var disconnected = new List<Block>();
        for (var e = oldTip; e != fork; e = e.Parent!)
        {
            disconnected.Add(e.Block);
        }

        var connected = new List<Block>();
        for (var e = newTip; e != fork; e = e.Parent!)
        {
            connected.Add(e.Block);
        }

        connected.Reverse();
        return (disconnected, connected);
    }

    private static BlockIndex FindCommonAncestor(BlockIndex a, BlockIndex b)
    {
        while (a.Height > b.Height)
        {
            a = a.Parent!;
        }

        while (b.Height > a.Height)
        {
            b = b.Parent!;
        }

        while (a != b)
        {
            a = a.Parent!;
            b = b.Parent!;
        }

        return a;
    }

    // Hands a block entering the tree to the archive (_onStored) and adds its block index entry to batch.
    private void Persist(BlockIndex entry, Block block, WriteBatch batch)
    {
        var position = _onStored?.Invoke(block) ?? ChainStateStore.NoPosition;
        entry.SetStored(position, _bodies);
        ChainStateStore.PutIndexEntry(batch, entry, BlockFile.HeaderSize + block.EncodedSize);
        entry.IsIndexed = true;
    }
}
