using System.Buffers.Binary;
using System.Text.RegularExpressions;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>
/// The chain state at start (LedgerLoader): a folder without one has it built from blocks.dat; one that names blocks
/// blocks.dat no longer holds stops the node with a line naming --reindex and nothing changed; --reindex rebuilds it.
/// </summary>
public sealed class ChainStateStartTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Start_StoreMissingThenCutBlocksFile_BuiltFromBlocksThenRefusedNamingReindexThenRebuilt()
    {
        var data = _folder.Combine("n");
        string tipAtTwo, tip, balance;
        await using (var node = await NodeProcess.StartAsync("N", data))
        {
            Assert.Equal(2, (await node.CommandAsync("mine 2")).Count);
            tipAtTwo = await node.StatusAsync("tip");
            Assert.Equal(3, (await node.CommandAsync("mine 3")).Count);
            tip = await node.StatusAsync("tip");
            balance = await node.AskAsync("balance");
            Assert.Equal(0, await node.QuitAsync());
        }

        // A folder from before the store (or one whose store was removed): built once from blocks.dat, every block validated.
        Directory.Delete(Path.Combine(data, "chainstate"), recursive: true);
        await using (var node = await NodeProcess.StartAsync("N", data))
        {
            Assert.Matches(@"Building the chain state from blocks\.dat \(blocks\.dat has no chain state store yet\): validating 5 blocks", node.Log);
            Assert.Matches(@"Loaded 5 stored blocks \(0 refused\) in [0-9.]+ s, 5 validated from blocks\.dat", node.Log);
            Assert.Equal(tip, await node.StatusAsync("tip"));
            Assert.Equal(balance, await node.AskAsync("balance"));
            Assert.Equal(0, await node.QuitAsync());
        }

        // blocks.dat cut back to its first two records: the store names blocks the file no longer holds.
        var blocksFile = Path.Combine(data, "blocks.dat");
        var bytes = await File.ReadAllBytesAsync(blocksFile);
        var firstTwo = 0;
        for (var i = 0; i < 2; i++)
        {
            firstTwo += 12 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(firstTwo + 4));
        }

        await File.WriteAllBytesAsync(blocksFile, bytes[..firstTwo]);
        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", "dev", "--port", "0", "--bind", "127.0.0.1", "--data-dir", data], workingDirectory: data);
        Assert.NotEqual(0, code);
        Assert.Matches(new Regex(@"error: .*chainstate.*blocks\.dat.*--reindex"), error);
        Assert.Equal(bytes[..firstTwo], await File.ReadAllBytesAsync(blocksFile));

        await using var reindexed = await NodeProcess.StartAsync("N", data, ["--reindex"]);
        Assert.Matches(@"Building the chain state from blocks\.dat \(--reindex\): validating 2 blocks", reindexed.Log);
        Assert.Equal("2", await reindexed.StatusAsync("height"));
        Assert.Equal(tipAtTwo, await reindexed.StatusAsync("tip"));
        Assert.Equal(0, await reindexed.QuitAsync());
    }
}
