using System.Security.Cryptography;
using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Persistence;
using Chain.Core.Specs;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Specs;

/// <summary>Chain specs: the compiled-in networks as specs, genesis allocations, and validation naming the field.</summary>
public sealed class ChainSpecTests
{
    private const long Coin = Money.UnitsPerCoin;
    private static readonly RSA Alice = TestChain.Key(0);
    private static readonly Address AliceAddress = TestChain.AddressOf(Alice);
    private static readonly Address Bob = TestChain.AddressOf(TestChain.Key(1));

    // A dev-like network whose genesis gives Alice 1 000 coins.
    private static ChainSpec FundedSpec(long amount = 1_000 * Coin, int maxBlockTransactions = Block.MaxTransactions)
    {
        var spec = NetworkParameters.Dev.ToSpec();
        spec.Name = "funded";
        spec.Genesis!.Allocations = [new ChainSpecAllocation { Address = NetworkParameters.Dev.FormatAddress(AliceAddress), Amount = amount }];
        spec.Limits!.MaxBlockTransactions = maxBlockTransactions;
        return spec;
    }

    [Theory]
    [InlineData("main")]
    [InlineData("dev")]
    public void ToSpec_PrintedAndReadBack_SameGenesisHashAndText(string name)
    {
        var network = NetworkParameters.Find(name)!;
        var json = ChainSpecFile.ToJson(network.ToSpec());

        var read = NetworkParameters.FromSpec(ChainSpecFile.Parse(json));

        Assert.Equal(network.GenesisHash, read.GenesisHash);
        Assert.Equal(json, ChainSpecFile.ToJson(read.ToSpec()));
        Assert.Equal(network.Consensus, read.Consensus);
        Assert.Equal((network.Magic, network.AddressPrefix, network.MinFee, network.CoinbaseMaturity, network.HalvingInterval, network.InitialReward),
            (read.Magic, read.AddressPrefix, read.MinFee, read.CoinbaseMaturity, read.HalvingInterval, read.InitialReward));
    }

    [Fact]
    public void GenesisHash_AllocationChanged_Differs()
    {
        var none = NetworkParameters.FromSpec(FundedSpec()).ToSpec();
        none.Genesis!.Allocations = [];
        var hashes = new[]
        {
            NetworkParameters.FromSpec(none).GenesisHash,
            NetworkParameters.FromSpec(FundedSpec()).GenesisHash,
            NetworkParameters.FromSpec(FundedSpec(amount: (1_000 * Coin) + 1)).GenesisHash,
        };
        var otherAddress = FundedSpec();
        otherAddress.Genesis!.Allocations![0].Address = NetworkParameters.Dev.FormatAddress(Bob);
        var twoAllocations = FundedSpec();
        twoAllocations.Genesis!.Allocations!.Add(new ChainSpecAllocation { Address = NetworkParameters.Dev.FormatAddress(Bob), Amount = 1 });

        var all = hashes.Concat([NetworkParameters.FromSpec(otherAddress).GenesisHash, NetworkParameters.FromSpec(twoAllocations).GenesisHash]).ToList();

        Assert.Equal(NetworkParameters.Dev.GenesisHash, all[0]);
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void Genesis_WithAllocations_CoinbaseThenOneCoinbaseShapedTransactionEach()
    {
        var network = NetworkParameters.FromSpec(FundedSpec());
        var txs = network.Genesis.Transactions;

        Assert.Equal(2, txs.Count);
        Assert.Equal((Address.Zero, 0L, 0UL), (txs[0].Recipient, txs[0].Amount, txs[0].Nonce));
        Assert.True(txs[1].IsCoinbase);
        Assert.Equal((AliceAddress, 1_000 * Coin, 0UL, network.Magic), (txs[1].Recipient, txs[1].Amount, txs[1].Nonce, txs[1].Network));
        Assert.Equal(MerkleTree.ComputeRoot(txs), network.Genesis.Header.MerkleRoot);
        Assert.Equal(network.Genesis.Encode(), Block.Decode(network.Genesis.Encode()).Encode());
    }

    [Fact]
    public void Genesis_AllocationVector_MatchesEncodingDocument()
    {
        // The example of ENCODING.md, "Genesis": dev's parameters, 1 000 coins to the address 0011…2233.
        var spec = NetworkParameters.Dev.ToSpec();
        spec.Genesis!.Allocations = [new ChainSpecAllocation { Address = "chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c", Amount = 100_000_000_000 }];

        var network = NetworkParameters.FromSpec(spec);

        Assert.Equal("b2199320d2bf2fb25ec0d56b0c8b1df03f26ce7c1310cddb17740b321fa856ef", network.GenesisHash.ToString());
    }

    [Fact]
    public void FromSpec_AllocationAndSignerAsWalletHex_SameAsTextForm()
    {
        var text = FundedSpec();
        var hex = FundedSpec();
        hex.Genesis!.Allocations![0].Address = AliceAddress.ToString();

        Assert.Equal(NetworkParameters.FromSpec(text).GenesisHash, NetworkParameters.FromSpec(hex).GenesisHash);
        Assert.Equal(NetworkParameters.Dev.FormatAddress(AliceAddress), NetworkParameters.FromSpec(hex).ToSpec().Genesis!.Allocations![0].Address);
    }

    [Fact]
    public void Blockchain_GenesisAllocation_SpendableByTheFirstBlock()
    {
        var network = NetworkParameters.FromSpec(FundedSpec());
        var chain = new Blockchain(network, TestChain.Clock(network));
        Assert.Equal(new AccountState(1_000 * Coin, 0), chain.GetAccount(AliceAddress));
        Assert.Equal(0, chain.GetImmatureBalance(AliceAddress));

        var pay = TestChain.Transfer(Alice, Bob, 10 * Coin, nonce: 0, network: network);
        Assert.True(chain.SubmitTransaction(pay).IsValid);
        var block = TestChain.Build(chain.Tip, TestChain.Filler, [pay], network);

        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(block).Status);
        Assert.Equal(new AccountState((990 * Coin) - 1_000, 1), chain.GetAccount(AliceAddress));
        Assert.Equal(10 * Coin, chain.GetAccount(Bob).Balance);
    }

    [Fact]
    public void Blockchain_ReopenedStore_KeepsTheAllocation()
    {
        var network = NetworkParameters.FromSpec(FundedSpec());
        var kv = new MemoryKeyValueStore();
        _ = new Blockchain(network, TestChain.Clock(network), store: new ChainStateStore(kv));

        var reopened = new Blockchain(network, TestChain.Clock(network), store: new ChainStateStore(kv));

        Assert.Equal(1_000 * Coin, reopened.GetAccount(AliceAddress).Balance);
    }

    [Fact]
    public void Blockchain_StoreOfTheSameNameWithAnotherAllocation_Refused()
    {
        var kv = new MemoryKeyValueStore();
        var first = NetworkParameters.FromSpec(FundedSpec());
        _ = new Blockchain(first, TestChain.Clock(first), store: new ChainStateStore(kv));
        var second = NetworkParameters.FromSpec(FundedSpec(amount: 2_000 * Coin));

        var error = Assert.Throws<ChainStateStoreException>(() => new Blockchain(second, TestChain.Clock(second), store: new ChainStateStore(kv)));

        Assert.Contains(second.GenesisHash.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SubmitBlock_MoreTransactionsThanTheNetworkAllows_TooLarge()
    {
        var network = NetworkParameters.FromSpec(FundedSpec(maxBlockTransactions: 2));
        var chain = new Blockchain(network, TestChain.Clock(network));
        var txs = new[]
        {
            TestChain.Transfer(Alice, Bob, Coin, nonce: 0, network: network),
            TestChain.Transfer(Alice, Bob, Coin, nonce: 1, network: network),
        };

        var refused = chain.SubmitBlock(TestChain.Build(chain.Tip, TestChain.Filler, txs, network));
        var accepted = chain.SubmitBlock(TestChain.Build(chain.Tip, TestChain.Filler, txs[..1], network));

        Assert.Equal(BlockError.TooLarge, refused.Error);
        Assert.Equal(BlockStatus.Connected, accepted.Status);
    }

    [Fact]
    public void CreateTemplate_MempoolLargerThanTheNetworkAllows_TakesOnlyWhatFits()
    {
        var network = NetworkParameters.FromSpec(FundedSpec(maxBlockTransactions: 2));
        var chain = new Blockchain(network, TestChain.Clock(network));
        Assert.True(chain.SubmitTransaction(TestChain.Transfer(Alice, Bob, Coin, nonce: 0, network: network)).IsValid);
        Assert.True(chain.SubmitTransaction(TestChain.Transfer(Alice, Bob, Coin, nonce: 1, network: network)).IsValid);

        var template = chain.CreateTemplate(TestChain.Filler);

        Assert.Equal(2, template.Transactions.Count);
    }

    [Fact]
    public void FromSpec_ProofOfAuthority_SignersAndPeriod()
    {
        var spec = NetworkParameters.Dev.ToSpec();
        spec.Consensus = new ChainSpecConsensus
        {
            Engine = "poa",
            Signers = [NetworkParameters.Dev.FormatAddress(AliceAddress), NetworkParameters.Dev.FormatAddress(Bob)],
            PeriodSeconds = 5,
            Epoch = 30_000,
        };

        var network = NetworkParameters.FromSpec(spec);

        var poa = Assert.IsType<PoaParameters>(network.Consensus);
        Assert.Equal([AliceAddress, Bob], poa.Signers);
        Assert.Equal((5, 30_000), (poa.PeriodSeconds, poa.Epoch));
        Assert.Equal(spec.Consensus.Signers, network.ToSpec().Consensus!.Signers);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "name", "\"name\": \"My Net\"" },
        { "magic", "\"magic\": \"12\"" },
        { "magic", "\"magic\": \"0x00000000\"" },
        { "addressPrefix", "\"addressPrefix\": \"Chain\"" },
        { "genesis.timestamp", "\"genesis\": { \"timestamp\": -1 }" },
        { "genesis.allocations[0].amount", "\"genesis\": { \"timestamp\": 0, \"allocations\": [ { \"address\": \"chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c\", \"amount\": 0 } ] }" },
        { "genesis.allocations[0].address", "\"genesis\": { \"timestamp\": 0, \"allocations\": [ { \"address\": \"chain1qqgjyv6y24n80zye42aueh0wluqpzg3nmqs4a2\", \"amount\": 5 } ] }" },
        { "genesis.allocations[1].address", "\"genesis\": { \"timestamp\": 0, \"allocations\": [ { \"address\": \"chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c\", \"amount\": 5 }, { \"address\": \"chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c\", \"amount\": 5 } ] }" },
        { "genesis.allocations", "\"genesis\": { \"timestamp\": 0, \"allocations\": [ { \"address\": \"chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c\", \"amount\": 2100000000000000 }, { \"address\": \"chaindev1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq790x3c\", \"amount\": 1 } ] }" },
        { "blockReward", "\"genesis\": { \"timestamp\": 0, \"allocations\": [ { \"address\": \"chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c\", \"amount\": 2100000000000000 } ] }" },
        { "blockReward.halvingInterval", "\"blockReward\": { \"initial\": 5000000000, \"halvingInterval\": 0 }" },
        { "minFee", "\"minFee\": -1" },
        { "limits.maxBlockBytes", "\"limits\": { \"maxBlockBytes\": 2097153, \"maxBlockTransactions\": 100, \"maxTransactionBytes\": 1024 }" },
        { "limits.maxTransactionBytes", "\"limits\": { \"maxBlockBytes\": 100000, \"maxBlockTransactions\": 100, \"maxTransactionBytes\": 100 }" },
        { "limits.maxBlockBytes2", "\"limits\": { \"maxBlockBytes\": 100000, \"maxBlockBytes2\": 1 }" },
        { "limits.maxBlockTransactions", "\"limits\": { \"maxBlockBytes\": 100000, \"maxTransactionBytes\": 1024 }" },
        { "coinbaseMaturity", "\"coinbaseMaturity\": 0" },
        { "consensus.engine", "\"consensus\": { \"engine\": \"pos\" }" },
        { "consensus.retargetInterval", "\"consensus\": { \"engine\": \"pow\", \"powLimitBits\": \"0x207fffff\", \"targetBlockSeconds\": 1, \"retargetInterval\": 1 }" },
        { "consensus.powLimitBits", "\"consensus\": { \"engine\": \"pow\", \"powLimitBits\": \"0x00000000\", \"targetBlockSeconds\": 1, \"retargetInterval\": 0 }" },
        { "consensus.periodSeconds", "\"consensus\": { \"engine\": \"poa\", \"signers\": [ \"chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c\" ], \"periodSeconds\": 0, \"epoch\": 100 }" },
        { "consensus.signers", "\"consensus\": { \"engine\": \"poa\", \"signers\": [], \"periodSeconds\": 5, \"epoch\": 100 }" },
        { "consensus.signers[0]", "\"consensus\": { \"engine\": \"poa\", \"signers\": [ \"chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9d\" ], \"periodSeconds\": 5, \"epoch\": 100 }" },
        { "consensus.targetBlockSeconds", "\"consensus\": { \"engine\": \"poa\", \"signers\": [ \"chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c\" ], \"periodSeconds\": 5, \"epoch\": 100, \"targetBlockSeconds\": 5 }" },
        { "consensus.epoch", "\"consensus\": { \"engine\": \"poa\", \"signers\": [ \"chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c\" ], \"periodSeconds\": 5 }" },
        { "consensus.color", "\"consensus\": { \"engine\": \"pow\", \"color\": 1 }" },
        { "minFee", "\"minFee\": \"cheap\"" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void FromSpec_Malformed_RefusedNamingTheField(string field, string replacement)
    {
        var json = WithMember(ChainSpecFile.ToJson(NetworkParameters.Dev.ToSpec()), replacement);

        var error = Assert.Throws<ChainSpecException>(() => NetworkParameters.FromSpec(ChainSpecFile.Parse(json)));

        Assert.Contains(error.Errors, e => e.StartsWith(field + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void FromSpec_Empty_EveryMissingSectionNamed()
    {
        var error = Assert.Throws<ChainSpecException>(() => NetworkParameters.FromSpec(ChainSpecFile.Parse("{}")));

        Assert.Equal(
            ["name: missing", "magic: missing", "addressPrefix: missing", "genesis: missing", "blockReward: missing", "minFee: missing", "limits: missing", "coinbaseMaturity: missing", "consensus: missing"],
            error.Errors);
    }

    [Theory]
    [InlineData("{ \"name\": ")]
    [InlineData("[]")]
    [InlineData("null")]
    public void Parse_NotASpecObject_Refused(string json)
    {
        var error = Assert.Throws<ChainSpecException>(() => ChainSpecFile.Parse(json));

        Assert.Single(error.Errors);
    }

    // The spec's JSON with one top-level member replaced (the member named at the start of replacement).
    private static string WithMember(string json, string replacement)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        var patch = System.Text.Json.Nodes.JsonNode.Parse("{" + replacement + "}")!.AsObject();
        foreach (var (key, value) in patch.ToList())
        {
            patch.Remove(key);
            node[key] = value;
        }

        return node.ToJsonString();
    }
}
