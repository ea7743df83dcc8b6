using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Mempool;

/// <summary>
/// Transactions waiting for a block. Admits only transactions valid against the tip plus the sender's
/// pending ones (consecutive nonces, enough balance for all of them); rejects duplicates; fills block
/// templates by fee while keeping each sender's nonce order; when full, evicts the lowest-fee transaction
/// that no other pending transaction depends on; expires entries after <see cref="Expiry"/>.
/// Not thread-safe: <see cref="Ledger.Blockchain"/> serialises access.
/// </summary>
public sealed class TransactionPool
{
    /// <summary>Default most transactions held.</summary>
    public const int DefaultCapacity = 50_000;

    /// <summary>How long a transaction may wait before it is dropped.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromHours(24);

    private readonly Dictionary<Hash256, MempoolEntry> _byId = [];
    private readonly Dictionary<Address, SenderQueue> _bySender = [];

    // Each sender's last pending transaction (the only ones eviction may take), cheapest first: a full pool finds
    // its victim in O(log n) instead of walking every sender on every admission.
    private readonly SortedSet<MempoolEntry> _tails = new(EvictionOrder.Instance);
    private readonly int _capacity;
    private long _sequence;

    // No entry was added before this (entries removed since may have been older): while it is younger than
    // Expiry nothing can expire, so Expire, run on every block, skips its walk over the whole pool.
    private DateTimeOffset _oldestAdded = DateTimeOffset.MaxValue;

    /// <summary>Creates an empty pool holding at most <paramref name="capacity"/> transactions.</summary>
    public TransactionPool(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    /// <summary>Number of transactions held.</summary>
    public int Count => _byId.Count;

    /// <summary>Whether the transaction is held.</summary>
    public bool Contains(Hash256 id) => _byId.ContainsKey(id);

    /// <summary>A held transaction by id.</summary>
    public Transaction? Get(Hash256 id) => _byId.TryGetValue(id, out var entry) ? entry.Tx : null;

    /// <summary>All held transactions, by sender and nonce.</summary>
    public IEnumerable<Transaction> All => _bySender.Values.SelectMany(queue => queue.Entries.Values).Select(e => e.Tx);

    /// <summary>When a held transaction entered the pool (or came back to it).</summary>
    internal DateTimeOffset AddedAt(Hash256 id) => _byId[id].Added;

    /// <summary>The sender's state once every pending transaction of theirs is applied.</summary>
    public AccountState PendingState(Address sender, AccountState confirmed)
    {
        // Running totals rather than a walk over the sender's transactions: Add calls this for every newcomer, so a
        // walk made filling the pool with one sender's nonces quadratic (and it runs under the ledger's lock).
        return _bySender.TryGetValue(sender, out var queue)
            ? new AccountState(confirmed.Balance - queue.Spent, confirmed.Nonce + (ulong)queue.Entries.Count)
            : confirmed;
    }

    /// <summary>
    /// Adds a transaction that already passed the stateless checks (signature included), given the sender's
    /// confirmed state at the tip.
    /// </summary>
    public TxResult Add(Transaction tx, AccountState confirmedSender, DateTimeOffset now)
    {
        if (_byId.ContainsKey(tx.Id))
        {
            return new(TxError.Duplicate, "already in the mempool");
        }

        var result = TransactionRules.CheckAgainst(tx, PendingState(tx.Sender, confirmedSender));
        if (!result.IsValid)
        {
            return result;
        }

        if (_byId.Count >= _capacity)
        {
            // Never the newcomer's own sender: its last pending transaction is the newcomer's parent.
            var victim = LowestFeeEvictable(except: tx.Sender);
            if (victim is null || victim.Tx.Fee >= tx.Fee)
            {
                return new(TxError.MempoolFull, $"the mempool is full and its cheapest transaction pays a fee of {Money.Format(victim?.Tx.Fee ?? 0)} coins");
            }

            Remove(victim);
        }

        Insert(new MempoolEntry(tx, now, _sequence++));
        return TxResult.Ok;
    }

    /// <summary>
    /// Picks transactions for a block: repeatedly the highest-fee transaction whose sender's earlier nonces
    /// are already picked, up to <paramref name="maxCount"/> transactions and <paramref name="maxBytes"/> bytes.
    /// </summary>
    public List<Transaction> SelectForBlock(int maxCount, int maxBytes)
    {
        var picked = new List<Transaction>();
        var queue = new PriorityQueue<(MempoolEntry Entry, int Index, IList<MempoolEntry> List), (long, long)>();
        foreach (var pending in _bySender.Values)
        {
            var values = pending.Entries.Values;
            queue.Enqueue((values[0], 0, values), (-values[0].Tx.Fee, values[0].Sequence));
        }

        var bytes = 0;
        while (picked.Count < maxCount && queue.TryDequeue(out var item, out _))
        {
            var size = item.Entry.Tx.EncodedSize + 4;
            if (bytes + size > maxBytes)
            {
                continue; // this sender's later nonces cannot follow a skipped one
            }

            picked.Add(item.Entry.Tx);
            bytes += size;
            var next = item.Index + 1;
            if (next < item.List.Count)
            {
                var entry = item.List[next];
                queue.Enqueue((entry, next, item.List), (-entry.Tx.Fee, entry.Sequence));
            }
        }

        return picked;
    }

    /// <summary>
    /// Re-validates everything against a new tip: drops transactions the chain now holds or made invalid,
    /// and takes back <paramref name="returning"/> (transactions of blocks that left the best chain) where still valid.
    /// All or nothing: when <paramref name="confirmed"/> or <paramref name="inChain"/> throws (a store read failing), the
    /// pool is left as it was.
    /// </summary>
    public void Reconcile(Func<Address, AccountState> confirmed, IEnumerable<Transaction> returning, Func<Hash256, bool> inChain, DateTimeOffset now)
    {
        var sequence = _sequence;
        var candidates = new List<MempoolEntry>(_byId.Values);
        foreach (var tx in returning)
        {
            if (!tx.IsCoinbase && !_byId.ContainsKey(tx.Id))
            {
                candidates.Add(new MempoolEntry(tx, now, sequence++));
            }
        }

        // Every read before the pool changes: the reads may fail part way, and a pool emptied first would then have
        // dropped every pending transaction not yet re-added. One account read a sender, not one a transaction.
        candidates.Sort((a, b) => a.Tx.Nonce.CompareTo(b.Tx.Nonce));
        var kept = new List<MempoolEntry>(candidates.Count);
        var accounts = new Dictionary<Address, AccountState>();
        foreach (var entry in candidates)
        {
            if (now - entry.Added > Expiry || inChain(entry.Tx.Id))
            {
                continue;
            }

            kept.Add(entry);
            var sender = entry.Tx.Sender;
            if (!accounts.ContainsKey(sender))
            {
                accounts[sender] = confirmed(sender);
            }
        }

        _sequence = sequence;
        _byId.Clear();
        _bySender.Clear();
        _tails.Clear();
        foreach (var entry in kept)
        {
            if (_byId.Count >= _capacity)
            {
                break;
            }

            var tx = entry.Tx;
            if (TransactionRules.CheckAgainst(tx, PendingState(tx.Sender, accounts[tx.Sender])).IsValid)
            {
                Insert(entry);
            }
        }
    }

    /// <summary>
    /// The tip moved forward by <paramref name="connected"/> with nothing disconnected: drops the transactions they
    /// confirm, re-checks only the senders they spent from (a conflicting nonce or a drained balance invalidates that
    /// sender's pending chain from there on), and expires old entries. Leaves the pool exactly as
    /// <see cref="Reconcile"/> with nothing returning would, without rebuilding it (which costs the whole pool,
    /// sorted, on every block).
    /// </summary>
    public void Confirm(IEnumerable<Block> connected, Func<Address, AccountState> confirmed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(connected);
        ArgumentNullException.ThrowIfNull(confirmed);
        var spenders = new HashSet<Address>();
        foreach (var block in connected)
        {
            foreach (var tx in block.Transactions)
            {
                if (tx.IsCoinbase)
                {
                    continue;
                }

                spenders.Add(tx.Sender);
                if (_byId.Remove(tx.Id, out var entry))
                {
                    RemoveFromSender(entry);
                }
            }
        }

        foreach (var sender in spenders)
        {
            if (!_bySender.TryGetValue(sender, out var queue))
            {
                continue;
            }

            // In nonce order against the new state: once one fails, every later nonce leaves a gap and fails too.
            var state = confirmed(sender);
            foreach (var entry in queue.Entries.Values.ToList())
            {
                if (TransactionRules.CheckAgainst(entry.Tx, state).IsValid)
                {
                    state = TransactionRules.Debit(state, entry.Tx);
                }
                else
                {
                    Remove(entry);
                }
            }
        }

        Expire(now);
    }

    /// <summary>Drops transactions older than <see cref="Expiry"/> (and the later nonces of their senders); returns how many.</summary>
    public int Expire(DateTimeOffset now)
    {
        if (now - _oldestAdded <= Expiry)
        {
            return 0;
        }

        var removed = 0;
        foreach (var queue in _bySender.Values.ToList())
        {
            var first = queue.Entries.Values.FirstOrDefault(e => now - e.Added > Expiry);
            if (first is not null)
            {
                removed += RemoveFrom(first);
            }
        }

        _oldestAdded = DateTimeOffset.MaxValue;
        foreach (var entry in _byId.Values)
        {
            _oldestAdded = entry.Added < _oldestAdded ? entry.Added : _oldestAdded;
        }

        return removed;
    }

    // The cheapest transaction that is its sender's last (removing it strands no later nonce), among the senders other
    // than except; of equal fees, the newest. At most one tail belongs to except, so this looks at two entries at most.
    private MempoolEntry? LowestFeeEvictable(Address except)
    {
        foreach (var tail in _tails)
        {
            if (tail.Tx.Sender != except)
            {
                return tail;
            }
        }

        return null;
    }

    /// <summary>The transaction a full pool would evict for a newcomer from <paramref name="except"/> (tests).</summary>
    internal Transaction? EvictionCandidate(Address except) => LowestFeeEvictable(except)?.Tx;

    /// <summary>Whether the eviction order holds exactly each sender's last transaction (tests).</summary>
    internal bool EvictionOrderIsConsistent() =>
        _tails.Count == _bySender.Count && _bySender.Values.All(queue => _tails.Contains(queue.Entries.Values[^1]));

    /// <summary>As <see cref="EvictionCandidate"/>, by walking every sender: the plain definition, for tests.</summary>
    internal Transaction? EvictionCandidateByScan(Address except)
    {
        MempoolEntry? victim = null;
        foreach (var (sender, queue) in _bySender)
        {
            var last = queue.Entries.Values[^1];
            if (sender != except && (victim is null || EvictionOrder.Instance.Compare(last, victim) < 0))
            {
                victim = last;
            }
        }

        return victim?.Tx;
    }

    private void Insert(MempoolEntry entry)
    {
        _byId[entry.Tx.Id] = entry;
        _oldestAdded = entry.Added < _oldestAdded ? entry.Added : _oldestAdded;
        if (!_bySender.TryGetValue(entry.Tx.Sender, out var queue))
        {
            queue = new SenderQueue();
            _bySender[entry.Tx.Sender] = queue;
        }

        var tail = queue.Entries.Count > 0 ? queue.Entries.Values[^1] : null;
        queue.Add(entry);
        ReplaceTail(tail, queue.Entries.Values[^1]);
    }

    // Keeps _tails holding exactly each sender's last entry after its queue changed from before to after.
    private void ReplaceTail(MempoolEntry? before, MempoolEntry? after)
    {
        if (ReferenceEquals(before, after))
        {
            return;
        }

        if (before is not null)
        {
            _tails.Remove(before);
        }

        if (after is not null)
        {
            _tails.Add(after);
        }
    }

    private void Remove(MempoolEntry entry)
    {
        _byId.Remove(entry.Tx.Id);
        RemoveFromSender(entry);
    }

    private void RemoveFromSender(MempoolEntry entry)
    {
        var queue = _bySender[entry.Tx.Sender];
        var tail = queue.Entries.Values[^1];
        queue.Remove(entry);
        ReplaceTail(tail, queue.Entries.Count > 0 ? queue.Entries.Values[^1] : null);
        if (queue.Entries.Count == 0)
        {
            _bySender.Remove(entry.Tx.Sender);
        }
    }

    // Removes entry and its sender's later transactions, which depend on it.
    private int RemoveFrom(MempoolEntry entry)
    {
        var queue = _bySender[entry.Tx.Sender];
        var doomed = queue.Entries.Values.Where(e => e.Tx.Nonce >= entry.Tx.Nonce).ToList();
        foreach (var e in doomed)
        {
            Remove(e);
        }

        return doomed.Count;
    }

    private sealed record MempoolEntry(Transaction Tx, DateTimeOffset Added, long Sequence);

    // Eviction preference: lowest fee first; of equal fees the newest (highest sequence). Sequences are unique, so
    // this is a total order on entries.
    private sealed class EvictionOrder : IComparer<MempoolEntry>
    {
        public static readonly EvictionOrder Instance = new();

        public int Compare(MempoolEntry? x, MempoolEntry? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null || y is null)
            {
                return x is null ? -1 : 1;
            }

            var byFee = x.Tx.Fee.CompareTo(y.Tx.Fee);
            return byFee != 0 ? byFee : y.Sequence.CompareTo(x.Sequence);
        }
    }

    // One sender's pending transactions by nonce, with what they spend in total (amounts plus fees, wrapping as the
    // step-by-step subtraction it replaces did).
    private sealed class SenderQueue
    {
        public SortedList<ulong, MempoolEntry> Entries { get; } = [];

        public long Spent { get; private set; }

        public void Add(MempoolEntry entry)
        {
            Entries.Add(entry.Tx.Nonce, entry);
            Spent = unchecked(Spent + entry.Tx.Amount + entry.Tx.Fee);
        }

        public void Remove(MempoolEntry entry)
        {
            if (Entries.Remove(entry.Tx.Nonce))
            {
                Spent = unchecked(Spent - entry.Tx.Amount - entry.Tx.Fee);
            }
        }
    }
}
