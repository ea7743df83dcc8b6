using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Tests.Ledger;

public class NetworkParametersTests
{
    // Computed once from the code and checked by hand against ENCODING.md; a change here is a hard fork.
    private const string DevGenesisHash = "1f0dd6a2c849e03fe6d8edc3229fa81ed1829d94216b9e15874a784f0a0ea617";
    private const string MainGenesisHash = "528a50f657fe5730bca2785f3d765c649f3ec56c6f0f83d337790fabcd673ffb";

    [Fact]
    public void GenesisHash_Dev_MatchesVector()
    {
        Assert.Equal(DevGenesisHash, NetworkParameters.Dev.GenesisHash.ToString());
    }

    [Fact]
    public void GenesisHash_Main_MatchesVectorAndDiffersFromDev()
    {
        Assert.Equal(MainGenesisHash, NetworkParameters.Main.GenesisHash.ToString());
        Assert.NotEqual(NetworkParameters.Dev.GenesisHash, NetworkParameters.Main.GenesisHash);
    }

    [Fact]
    public void Genesis_RebuiltFromItsRule_SameHash()
    {
        foreach (var network in NetworkParameters.All)
        {
            var coinbase = Transaction.CreateCoinbase(network.Magic, Address.Zero, 0, 0);
            var header = new BlockHeader(1, 0, Hash256.Zero, coinbase.Id, network.GenesisTimestamp, network.PowLimitBits, 0);

            Assert.Equal(header.Hash, network.GenesisHash);
            Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), network.Genesis.Header.Timestamp);
            Assert.Equal(network.Genesis.Encode(), Block.Decode(network.Genesis.Encode()).Encode());
        }
    }

    [Fact]
    public void Genesis_FreshChain_IsTipAndPaysNobody()
    {
        var chain = new Blockchain(NetworkParameters.Dev, TimeProvider.System);

        Assert.Equal(NetworkParameters.Dev.GenesisHash, chain.Tip.Hash);
        Assert.Equal(0u, chain.Tip.Height);
        Assert.Equal(AccountState.Empty, chain.GetAccount(Address.Zero));
    }

    [Theory]
    [InlineData("main", "main")]
    [InlineData("DEV", "dev")]
    [InlineData("test", null)]
    [InlineData(null, null)]
    public void Find_Name_CaseInsensitiveLookup(string? name, string? expected)
    {
        Assert.Equal(expected, NetworkParameters.Find(name)?.Name);
    }
}
