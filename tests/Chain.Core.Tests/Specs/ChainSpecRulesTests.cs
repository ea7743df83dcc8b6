using Chain.Core.Consensus;
using Chain.Core.Ledger;
using Chain.Core.Specs;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Specs;

/// <summary>The genesis hash commits to every rule of a spec, not only to its allocations (ENCODING.md, "Genesis").</summary>
public sealed class ChainSpecRulesTests
{
    private static readonly string[] Signers = [.. Enumerable.Range(0, 3).Select(i => TestChain.AddressOf(TestChain.Key(i)).ToString())];

    private static ChainSpec PoaSpec()
    {
        var spec = NetworkParameters.Dev.ToSpec();
        spec.Name = "authority";
        spec.Consensus = new ChainSpecConsensus { Engine = PoaParameters.Name, Signers = [.. Signers], PeriodSeconds = 2, Epoch = 30 };
        return spec;
    }

    [Fact]
    public void RulesDigest_MainAndDev_PinnedSoTheirGenesisKeepsNonceZero()
    {
        Assert.Equal("c6aeb2a2f0b73d09c8ac6c919f9c99474dc4dabb7ce02fe25ea32604b7358c47", NetworkParameters.Main.RulesDigest.ToString());
        Assert.Equal("58b50b8cd8fcd6cc8b66d41b1ef20d0e1f05ad25bf4190883505f459e885ab0f", NetworkParameters.Dev.RulesDigest.ToString());
        Assert.Equal(0UL, NetworkParameters.Main.Genesis.Header.Nonce);
        Assert.Equal(0UL, NetworkParameters.Dev.Genesis.Header.Nonce);
    }

    [Fact]
    public void GenesisHash_AnyRuleChanged_Differs()
    {
        var variants = new List<ChainSpec> { PoaSpec() };
        void Add(Action<ChainSpec> change)
        {
            var spec = PoaSpec();
            change(spec);
            variants.Add(spec);
        }

        Add(s => s.Consensus!.Signers!.RemoveAt(2));
        Add(s => s.Consensus!.PeriodSeconds = 3);
        Add(s => s.Consensus!.Epoch = 31);
        Add(s => s.MinFee = 1_001);
        Add(s => s.CoinbaseMaturity = 4);
        Add(s => s.BlockReward!.HalvingInterval = 20_000);
        Add(s => s.Limits!.MaxBlockTransactions = 1_000);
        Add(s => s.AddressPrefix = "auth");
        Add(s => s.Consensus = NetworkParameters.Dev.ToSpec().Consensus);

        var hashes = variants.Select(s => NetworkParameters.FromSpec(s).GenesisHash).ToList();

        Assert.Equal(hashes.Count, hashes.Distinct().Count());
        Assert.DoesNotContain(NetworkParameters.Dev.GenesisHash, hashes[..^1]);
    }

    [Fact]
    public void GenesisHash_SignersListedInAnotherOrderOrNetworkRenamed_Same()
    {
        var reordered = PoaSpec();
        reordered.Consensus!.Signers!.Reverse();
        reordered.Name = "renamed";

        Assert.Equal(NetworkParameters.FromSpec(PoaSpec()).GenesisHash, NetworkParameters.FromSpec(reordered).GenesisHash);
    }

    [Fact]
    public void GenesisNonce_OtherRules_FirstEightBytesOfRulesDigest()
    {
        var network = NetworkParameters.FromSpec(PoaSpec());
        var digest = network.RulesDigest.ToArray();

        Assert.Equal(BitConverter.ToUInt64(digest, 0), network.Genesis.Header.Nonce);
        Assert.NotEqual(0UL, network.Genesis.Header.Nonce);
    }

    [Fact]
    public void FromSpec_PoaBlockTooSmallForASealedHeader_RefusedNamingField()
    {
        var spec = PoaSpec();
        spec.Limits!.MaxBlockBytes = NetworkParameters.MinSealedBlockBytes - 1;

        var error = Assert.Throws<ChainSpecException>(() => NetworkParameters.FromSpec(spec));

        Assert.Contains($"limits.maxBlockBytes: must be at least {NetworkParameters.MinSealedBlockBytes} under proof of authority", error.Message, StringComparison.Ordinal);
        spec.Limits.MaxBlockBytes = NetworkParameters.MinSealedBlockBytes;
        Assert.Equal(NetworkParameters.MinSealedBlockBytes, NetworkParameters.FromSpec(spec).MaxBlockBytes);
    }
}
