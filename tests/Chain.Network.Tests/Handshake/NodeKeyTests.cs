using System.Security.Cryptography;
using Chain.Network.Handshake;

namespace Chain.Network.Tests.Handshake;

public sealed class NodeKeyTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "chain-nodekey-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void LoadOrCreate_TwiceInOneFolder_GivesTheSameNodeId()
    {
        using var first = NodeKey.LoadOrCreate(_folder);
        using var second = NodeKey.LoadOrCreate(_folder);

        Assert.Equal(first.NodeId, second.NodeId);
        Assert.True(NodeKey.IsValidNodeId(first.NodeId));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(first.PublicKey)), first.NodeId);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(Path.Combine(_folder, NodeKey.FileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrCreate_NewFile_IsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var key = NodeKey.LoadOrCreate(_folder);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, NodeKey.FileName)));
    }

    [Fact]
    public void LoadOrCreate_CorruptFile_NamesTheFileAndLeavesIt()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, NodeKey.FileName);
        File.WriteAllText(path, "not a key");

        var error = Assert.Throws<InvalidDataException>(() => NodeKey.LoadOrCreate(_folder));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal("not a key", File.ReadAllText(path));
    }

    [Fact]
    public void LoadOrCreate_DamagedPem_NamesTheFile()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, NodeKey.FileName);
        File.WriteAllText(path, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        var error = Assert.Throws<InvalidDataException>(() => NodeKey.LoadOrCreate(_folder));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsValidNodeId_UpperCaseOrShort_IsFalse()
    {
        Assert.False(NodeKey.IsValidNodeId(new string('A', 64)));
        Assert.False(NodeKey.IsValidNodeId(new string('a', 63)));
        Assert.True(NodeKey.IsValidNodeId(new string('a', 64)));
    }
}
