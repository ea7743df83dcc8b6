using System.Reflection;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Tests.Ledger;

/// <summary>The bounded account cache on its own, over a dictionary standing in for the chain state store.</summary>
public sealed class AccountCacheTests
{
    private static readonly Address[] Addresses = [.. Enumerable.Range(1, 8).Select(i => new Address([.. Enumerable.Repeat((byte)i, Address.Size)]))];

    private sealed class Backing
    {
        public Dictionary<Address, AccountState> Accounts { get; } = [];

        public int Loads { get; private set; }

        public AccountState? Load(Address address)
        {
            Loads++;
            return Accounts.TryGetValue(address, out var state) ? state : null;
        }
    }

    [Fact]
    public void Get_Miss_LoadsOnceThenAnswersFromMemory()
    {
        var store = new Backing();
        store.Accounts[Addresses[0]] = new AccountState(5, 1);
        var cache = new AccountCache(4, store.Load, complete: false);

        Assert.Equal(new AccountState(5, 1), cache.Get(Addresses[0]));
        Assert.Equal(new AccountState(5, 1), cache.Get(Addresses[0]));

        // An address with no account is not remembered (it would take an account's entry): each read asks the store.
        Assert.Null(cache.Get(Addresses[1]));
        Assert.Null(cache.Get(Addresses[1]));

        Assert.Equal(3, store.Loads);
        Assert.Equal(3, cache.Misses);
        Assert.Equal(1, cache.Hits);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Get_AddressesWithNoAccount_TakeNoEntryAndEvictNoAccount()
    {
        // A client asking for the balance of random addresses, or blocks paying addresses never seen: each such read
        // goes to the store, and none pushes a real account out.
        var store = new Backing();
        var cache = new AccountCache(2, store.Load, complete: false);
        store.Accounts[Addresses[0]] = new AccountState(1, 0);
        store.Accounts[Addresses[1]] = new AccountState(2, 0);
        cache.Get(Addresses[0]);
        cache.Get(Addresses[1]);

        for (var i = 0; i < 100; i++)
        {
            Assert.Null(cache.Get(new Address([.. Enumerable.Repeat((byte)0x80, Address.Size - 1), (byte)i])));
        }

        cache.Set(Addresses[2], null);
        var loads = store.Loads;
        Assert.Equal(new AccountState(1, 0), cache.Get(Addresses[0]));
        Assert.Equal(new AccountState(2, 0), cache.Get(Addresses[1]));

        Assert.Equal(loads, store.Loads);
        Assert.Equal(2, cache.Count);
        Assert.Equal(0, cache.Evictions);
        Assert.Equal(102, cache.Misses);
    }

    [Fact]
    public void Set_MoreAccountsThanTheCapacity_HoldsAtMostTheCapacityAndRereadsEvictedOnes()
    {
        var store = new Backing();
        var cache = new AccountCache(3, store.Load, complete: true);
        for (var i = 0; i < Addresses.Length; i++)
        {
            // As the ledger does: the store first, then the cache.
            store.Accounts[Addresses[i]] = new AccountState(i + 1, (ulong)i);
            cache.Set(Addresses[i], store.Accounts[Addresses[i]]);
        }

        Assert.Equal(3, cache.Count);
        Assert.Equal(Addresses.Length - 3, cache.Evictions);
        for (var i = 0; i < Addresses.Length; i++)
        {
            Assert.Equal(new AccountState(i + 1, (ulong)i), cache.Get(Addresses[i]));
        }

        Assert.Equal(3, cache.Count);
        Assert.True(store.Loads >= Addresses.Length - 3, $"{store.Loads} loads for {Addresses.Length - 3} evicted accounts");
    }

    [Fact]
    public void Get_EntryReadSinceTheHandPassed_SurvivesTheNextEviction()
    {
        var store = new Backing();
        var cache = new AccountCache(2, store.Load, complete: false);
        foreach (var address in Addresses[..3])
        {
            store.Accounts[address] = new AccountState(1, 0);
        }

        cache.Get(Addresses[0]);
        cache.Get(Addresses[1]);
        cache.Get(Addresses[0]); // marked: the hand passes it over once
        cache.Get(Addresses[2]); // evicts Addresses[1]
        var loads = store.Loads;

        cache.Get(Addresses[0]);

        Assert.Equal(loads, store.Loads);
        cache.Get(Addresses[1]);
        Assert.Equal(loads + 1, store.Loads);
    }

    [Fact]
    public void Get_CompleteCache_AnswersAnAbsentAccountWithoutTheStoreUntilItEvicts()
    {
        var store = new Backing();
        var cache = new AccountCache(2, store.Load, complete: true);
        cache.Set(Addresses[0], new AccountState(1, 0));

        Assert.Null(cache.Get(Addresses[5]));
        Assert.Equal(0, store.Loads);

        cache.Set(Addresses[1], new AccountState(2, 0));
        cache.Set(Addresses[2], new AccountState(3, 0));

        Assert.Equal(1, cache.Evictions);
        Assert.Null(cache.Get(Addresses[5]));
        Assert.Equal(1, store.Loads);
    }

    [Fact]
    public void Set_Absent_RemembersTheAccountAsAbsent()
    {
        var store = new Backing();
        store.Accounts[Addresses[0]] = new AccountState(7, 3);
        var cache = new AccountCache(4, store.Load, complete: false);
        Assert.Equal(new AccountState(7, 3), cache.Get(Addresses[0]));

        store.Accounts.Remove(Addresses[0]);
        cache.Set(Addresses[0], null);

        Assert.Null(cache.Get(Addresses[0]));
        Assert.Equal(1, store.Loads);
    }

    [Fact]
    public void Get_CapacityZero_EveryReadGoesToTheStore()
    {
        var store = new Backing();
        store.Accounts[Addresses[0]] = new AccountState(9, 9);
        var cache = new AccountCache(0, store.Load, complete: true);
        cache.Set(Addresses[0], new AccountState(9, 9));

        Assert.Equal(new AccountState(9, 9), cache.Get(Addresses[0]));
        Assert.Equal(new AccountState(9, 9), cache.Get(Addresses[0]));

        Assert.Equal(2, store.Loads);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void PublicMembers_ChainStateAndBlockchain_NoneHandsOutTheCache()
    {
        // The cache is not thread-safe and changes under the ledger's lock as blocks connect: a reference to it handed
        // out would be read outside that lock. Accounts are read through Blockchain.GetAccount, which takes the lock.
        var flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static;
        var exposing = new[] { typeof(ChainState), typeof(Blockchain) }
            .SelectMany(t => t.GetMembers(flags))
            .Where(m => m switch
            {
                PropertyInfo p => p.PropertyType == typeof(AccountCache),
                FieldInfo f => f.FieldType == typeof(AccountCache),
                MethodInfo method => method.ReturnType == typeof(AccountCache),
                _ => false,
            })
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}");

        Assert.Empty(exposing);
    }

    [Fact]
    public void CapacityFor_Bytes_EntriesOfEntryBytesEach()
    {
        Assert.Equal(0, AccountCache.CapacityFor(AccountCache.EntryBytes - 1));
        Assert.Equal(10, AccountCache.CapacityFor(10L * AccountCache.EntryBytes));
        Assert.Equal(AccountCache.Unbounded, AccountCache.CapacityFor(long.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => AccountCache.CapacityFor(-1));
    }
}
