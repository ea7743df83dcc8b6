namespace Chain.Node.Tests.EndToEnd;

/// <summary>One dev node shared by the console tests: started once, with a few blocks mined.</summary>
public sealed class ConsoleNodeFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    internal NodeProcess Node { get; private set; } = null!;

    internal TempFolder Folder => _folder;

    public string Address { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        Node = await NodeProcess.StartAsync("console", _folder.Combine("node"));
        try
        {
            Address = await Node.AskAsync("address");
            Assert.Equal(3, (await Node.CommandAsync("mine 3")).Count); // the first reward is then spendable (dev maturity 3)
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Node is not null)
        {
            await Node.DisposeAsync();
            Node = null!;
        }

        _folder.Dispose();
    }
}
