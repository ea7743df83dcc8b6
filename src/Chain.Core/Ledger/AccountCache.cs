using Chain.Core.Crypto;

namespace Chain.Core.Ledger;

/// <summary>
/// The accounts of the chain state at the tip held in memory, bounded by a number of entries, in front of the chain
/// state store. A read that misses loads the account from the store; an address with no account takes no entry (a
/// lookup of an unknown address, by a client or for a block's new recipient, reads the store and evicts nothing, so
/// random addresses cannot push the real accounts out). The ledger puts every account it changes here only after the
/// store's batch holding the change is written, so an entry is never newer or older than the store and evicting one
/// loses nothing. Eviction is CLOCK (second chance: an entry read since the hand last passed it stays one more turn),
/// which keeps the accounts of recent blocks and the mempool's senders. Not thread-safe: the ledger's lock serialises
/// access.
/// </summary>
public sealed class AccountCache
{
    /// <summary>
    /// Memory one entry costs, in bytes, for turning a byte bound into entries: the entry (address, state, flags: 48)
    /// and the lookup's slot (40) and bucket (4), with a little room for the lookup's prime sizing.
    /// </summary>
    public const int EntryBytes = 96;

    /// <summary>Default bound of a cache over a store on disk: 64 MiB, about 700,000 accounts.</summary>
    public const long DefaultCapacityBytes = 64L * 1024 * 1024;

    /// <summary>The entry count meaning no bound (a ledger without a data folder keeps every account).</summary>
    public const int Unbounded = int.MaxValue;

    // Entries are allocated as they fill, doubling from this, never beyond the capacity.
    private const int InitialSlots = 1024;

    private readonly Func<Address, AccountState?> _load;
    private readonly Dictionary<Address, int> _slots = [];
    private Entry[] _entries = [];
    private int _count;
    private int _hand;

    // True while every account the store holds is here (the cache started on an empty store and has evicted
    // nothing): a miss is then an absent account, answered without asking the store.
    private bool _complete;

    /// <summary>
    /// Creates a cache of at most <paramref name="capacity"/> entries (0: every read goes to the store) that loads a
    /// missing account with <paramref name="load"/> (null: absent). <paramref name="complete"/> says the cache starts
    /// holding every account of the store (an empty store, filled only through <see cref="Set"/>).
    /// </summary>
    public AccountCache(int capacity, Func<Address, AccountState?> load, bool complete)
    {
        Capacity = capacity >= 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "At least 0 entries.");
        _load = load;
        _complete = complete && capacity > 0;
    }

    /// <summary>Most entries held.</summary>
    public int Capacity { get; }

    /// <summary>Entries held now (an account made absent again by a disconnected block keeps its entry).</summary>
    public int Count => _count;

    /// <summary>Reads answered from memory.</summary>
    public long Hits { get; private set; }

    /// <summary>Reads that went to the store.</summary>
    public long Misses { get; private set; }

    /// <summary>Entries evicted to make room.</summary>
    public long Evictions { get; private set; }

    /// <summary>The entry count of a bound in bytes (see <see cref="EntryBytes"/>).</summary>
    public static int CapacityFor(long bytes) =>
        bytes >= 0 ? (int)Math.Min(bytes / EntryBytes, Unbounded) : throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "At least 0 bytes.");

    /// <summary>The account's state at the tip, or null when the address has none.</summary>
    public AccountState? Get(Address address)
    {
        if (_slots.TryGetValue(address, out var slot))
        {
            Hits++;
            ref var entry = ref _entries[slot];
            entry.Referenced = true;
            return entry.Exists ? entry.State : null;
        }

        if (_complete)
        {
            Hits++;
            return null;
        }

        Misses++;
        var loaded = _load(address);
        Put(address, loaded, referenced: false);
        return loaded;
    }

    /// <summary>
    /// Records the account's state at the tip (null: absent, which updates an entry the account has and takes none
    /// otherwise). Call only once the store holds it: the cache never holds what the store does not.
    /// </summary>
    public void Set(Address address, AccountState? state) => Put(address, state, referenced: true);

    private void Put(Address address, AccountState? state, bool referenced)
    {
        if (_slots.TryGetValue(address, out var slot))
        {
            ref var entry = ref _entries[slot];
            entry.State = state.GetValueOrDefault();
            entry.Exists = state.HasValue;
            entry.Referenced = true;
            return;
        }

        if (Capacity == 0 || !state.HasValue)
        {
            // Nothing to hold, or an absent account without an entry: a miss reads the store, which says so (or, in a
            // complete cache, says so itself), and taking an entry would evict an account that exists.
            return;
        }

        if (_count < Capacity)
        {
            if (_count == _entries.Length)
            {
                Grow();
            }

            slot = _count++;
        }
        else
        {
            slot = Evict();
        }

        _entries[slot] = new Entry { Address = address, State = state.GetValueOrDefault(), Exists = state.HasValue, Referenced = referenced };
        _slots[address] = slot;
    }

    private void Grow()
    {
        var size = (int)Math.Min(Math.Max(InitialSlots, 2L * _entries.Length), Capacity);
        Array.Resize(ref _entries, size);
        _slots.EnsureCapacity(size);
    }

    // The slot of an entry evicted by the CLOCK hand: it clears the mark of each referenced entry it passes and takes
    // the first unmarked one.
    private int Evict()
    {
        while (true)
        {
            ref var entry = ref _entries[_hand];
            var slot = _hand;
            _hand = _hand + 1 == _count ? 0 : _hand + 1;
            if (entry.Referenced)
            {
                entry.Referenced = false;
                continue;
            }

            _slots.Remove(entry.Address);
            _complete = false;
            Evictions++;
            return slot;
        }
    }

    private struct Entry
    {
        public Address Address;
        public AccountState State;
        public bool Exists;
        public bool Referenced;
    }
}
