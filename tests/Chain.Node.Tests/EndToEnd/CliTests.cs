using System.Globalization;
using System.Text.Json;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>The command-line client as a process against a real node: the console's answers to the byte, --json, exit codes.</summary>
public sealed class CliTests(RpcNodeFixture fixture) : IClassFixture<RpcNodeFixture>
{
    private string[] Target => ["--data-dir", fixture.DataDir, "--rpc-port", fixture.RpcPort.ToString(CultureInfo.InvariantCulture)];

    [Theory]
    [InlineData("address")]
    [InlineData("balance")]
    [InlineData("chain 2")]
    [InlineData("block 1")]
    [InlineData("history")]
    [InlineData("wallet")]
    public async Task Command_PrintsExactlyTheConsolesAnswer(string command)
    {
        var console = await fixture.Node.CommandAsync(command);
        var (code, output, error) = await CliProcess.RunAsync([.. Target, .. command.Split(' ')]);
        Assert.True(code == 0, error);
        Assert.Equal(string.Join('\n', console) + "\n", output);
    }

    [Fact]
    public async Task Json_PrintsTheResult()
    {
        var (code, output, _) = await CliProcess.RunAsync([.. Target, "--json", "status"]);
        Assert.Equal(0, code);
        var status = JsonDocument.Parse(output).RootElement;
        Assert.Equal(await fixture.Node.StatusAsync("tip"), status.GetProperty("tip").GetString());
    }

    [Fact]
    public async Task NodeError_ExitCode1_ConsolesMessage()
    {
        var (code, output, error) = await CliProcess.RunAsync([.. Target, "balance", "xyz"]);
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.StartsWith("error: 'xyz' is not an address (chaindev1… with a checksum)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCookie_ExitCode2()
    {
        using var folder = new TempFolder();
        var (code, _, error) = await CliProcess.RunAsync("--data-dir", folder.Path, "--rpc-port", fixture.RpcPort.ToString(CultureInfo.InvariantCulture), "status");
        Assert.Equal(2, code);
        Assert.Contains("cannot read the cookie", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingListening_ExitCode3()
    {
        // The cookie is right, the port is not the API's: the node's peer port refuses HTTP or closes.
        var (code, _, error) = await CliProcess.RunAsync("--data-dir", fixture.DataDir, "--rpc-port", "1", "status");
        Assert.Equal(3, code);
        Assert.Contains("cannot reach the node's API", error, StringComparison.Ordinal);
    }
}
