using Chain.Core.Persistence;

namespace Chain.Core.Tests.Persistence;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("chain-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void DeleteLeftovers_KilledWriteTemporaries_DeletedOthersKept()
    {
        var leftover = Path.Combine(_folder, $".wallet.json.{Guid.NewGuid():N}.tmp");
        var otherLeftover = Path.Combine(_folder, $".network.{Guid.NewGuid():N}.tmp");
        string[] kept = [".hidden.tmp", ".wallet.json.notahexguid.tmp", "wallet.json", "blocks.dat", $"x.{Guid.NewGuid():N}.tmp"];
        File.WriteAllText(leftover, "half a wallet");
        File.WriteAllText(otherLeftover, "dev");
        foreach (var name in kept)
        {
            File.WriteAllText(Path.Combine(_folder, name), name);
        }

        Assert.Equal(2, AtomicFile.DeleteLeftovers(_folder));

        Assert.False(File.Exists(leftover));
        Assert.False(File.Exists(otherLeftover));
        Assert.All(kept, name => Assert.True(File.Exists(Path.Combine(_folder, name)), name));
    }

    [Fact]
    public void Write_ThenDeleteLeftovers_TargetKept()
    {
        var target = Path.Combine(_folder, "pending.dat");
        AtomicFile.Write(target, "content"u8);

        Assert.Equal(0, AtomicFile.DeleteLeftovers(_folder));
        Assert.Equal("content", File.ReadAllText(target));
    }
}
