using Chain.Core.Crypto;

namespace Chain.Core.Ledger;

/// <summary>
/// The block tree, the best chain through it and the account state at its tip. Fork choice is most
/// cumulative work; on equal work the chain seen first stays. Not thread-safe: <see cref="Blockchain"/>
/// serialises access.
/// </summary>
public sealed partial class ChainState
{
    private readonly NetworkParameters _network;
    private readonly TimeProvider _time;
    private readonly SignatureCache _signatures;
    private readonly Dictionary<Hash256, BlockIndex> _index = [];
    private readonly List<BlockIndex> _active = [];
    private readonly Dictionary<Address, AccountState> _accounts = [];
    private readonly Dictionary<Hash256, UndoRecord> _undo = [];
    private readonly Dictionary<Hash256, BlockIndex> _txIndex = [];
    private readonly OrphanPool _orphans;
    private Action<Block>? _onStored;

    /// <summary>Most threads verifying one block's signatures (default: every core; 1 verifies them in order).</summary>
    public int ValidationThreads
    {
        get;
        set => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least one thread.");
    } = Environment.ProcessorCount;

    /// <summary>Creates a chain holding only the network's genesis block.</summary>
    public ChainState(NetworkParameters network, TimeProvider time, SignatureCache signatures, int orphanCapacity = OrphanPool.DefaultCapacity)
    {
        _network = network;
        _time = time;
        _signatures = signatures;
        _orphans = new OrphanPool(orphanCapacity);
        var genesis = new BlockIndex(network.Genesis, null);
        _index[genesis.Hash] = genesis;
        _active.Add(genesis);
        _undo[genesis.Hash] = new UndoRecord([]);
        foreach (var tx in network.Genesis.Transactions)
        {
            _txIndex[tx.Id] = genesis;
        }
    }

    /// <summary>The network these rules belong to.</summary>
    public NetworkParameters Network => _network;

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
    public AccountState GetAccount(Address address) => _accounts.GetValueOrDefault(address);

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
            var coinbase = _active[(int)height].Block.Transactions[0];
            if (coinbase.Recipient == address)
            {
                immature = checked(immature + coinbase.Amount);
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
    public bool ContainsTransaction(Hash256 id) => _txIndex.ContainsKey(id);

    /// <summary>A best-chain transaction and the block holding it.</summary>
    public (Transaction Tx, BlockIndex Block)? FindTransaction(Hash256 id)
    {
        if (!_txIndex.TryGetValue(id, out var entry))
        {
            return null;
        }

        foreach (var tx in entry.Block.Transactions)
        {
            if (tx.Id == id)
            {
                return (tx, entry);
            }
        }

        return null;
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
    /// before it does, so a caller can make it durable first. <paramref name="source"/> names the peer it came
    /// from, so an orphan flood evicts the flooder's own orphans first.
    /// </summary>
    public BlockResult Add(Block block, Action<Block>? onStored = null, string source = "")
    {
        _onStored = onStored;
        try
        {
            return AddCore(block, source);
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

    // Anti-DoS: a block whose branch would have less work than the best chain, counting the heaviest chain of its
    // descendants already held, cannot move the tip, so it is neither validated beyond its header and its parent's
    // context nor stored: it waits in the bounded orphan pool (per source, so a flooder evicts its own first) until
    // blocks building on it bring its branch level with the tip.
    private bool HasTooLittleWork(BlockIndex parent, Block block) =>
        parent.CumulativeWork + Target.Work(block.Header.Bits) + _orphans.HeaviestDescendantWork(block.Hash) < Tip.CumulativeWork;

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
    // that branch now has the tip's work, the branch is taken out of the pool and accepted in order (validated,
    // stored, connected if it leads). Null when the orphan's ancestry does not reach the tree.
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

        _orphans.Remove(root.Hash);
        var result = AcceptWithParent(root, parent);
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

        var (disconnected, connected) = Difference(oldTip, Tip);
        var status = result.Status == BlockStatus.Invalid ? BlockStatus.Invalid : BlockStatus.Connected;
        return result with { Status = status, Disconnected = disconnected, Connected = connected };
    }

    // Accepts the held descendants of a block that just entered the tree, those with too little work staying held.
    // Returns what became of watched (null when it was not reached).
    private BlockResult? AdoptOrphans(Hash256 parentHash, Hash256? watched = null)
    {
        BlockResult? outcome = null;
        var pending = new Queue<Hash256>();
        pending.Enqueue(parentHash);
        while (pending.TryDequeue(out var next))
        {
            var parent = _index[next];
            foreach (var (child, source) in _orphans.TakeChildEntries(next))
            {
                var result = HasTooLittleWork(parent, child) ? Hold(child, parent, source) : AcceptWithParent(child, parent);
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

        var entry = new BlockIndex(block, parent);
        if (entry.CumulativeWork <= Tip.CumulativeWork)
        {
            _onStored?.Invoke(block);
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
            // The store refused the block (Reorganize put the previous best chain back): it never entered the tree.
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

    /// <summary>What a connected block changed, to undo it on a reorganisation: each touched account's earlier state.</summary>
    private sealed record UndoRecord(List<(Address Address, AccountState? Before)> Changes);
}
