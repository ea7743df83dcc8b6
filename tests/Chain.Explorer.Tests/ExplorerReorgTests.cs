using Chain.Explorer.Tests.Browser;
using Chain.Node.Tests.EndToEnd;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chain.Explorer.Tests;

/// <summary>
/// A reorganisation seen by an open page: X's short chain is replaced by Y's longer one when they meet, and the
/// page shows Y's blocks without a reload (the tip notification carries the reorganisation; the page rereads the chain).
/// </summary>
public sealed class ExplorerReorgTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private NodeProcess? _x;
    private NodeProcess? _y;
    private BrowserSession? _browser;

    public async Task InitializeAsync()
    {
        try
        {
            _x = await NodeProcess.StartAsync("X", _folder.Combine("x"));
            _y = await NodeProcess.StartAsync("Y", _folder.Combine("y"));
            _browser = await BrowserSession.StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        foreach (var node in new[] { _y, _x })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        (_x, _y, _browser) = (null, null, null);
        _folder.Dispose();
    }

    [Fact]
    public async Task LongerChainArrives_PageShowsItsBlocks_WithoutAReload()
    {
        var (x, y) = (_x!, _y!);
        Assert.Equal(2, (await x.CommandAsync("mine 2")).Count);
        var longer = await y.CommandAsync("mine 5");
        Assert.Equal(5, longer.Count);

        var url = (await x.WaitForLogAsync(ExplorerNodesFixture.ExplorerLine())).Groups["url"].Value;
        await using var tab = await _browser!.OpenAsync();
        var page = tab.Page;
        var wait = new LocatorAssertionsToHaveTextOptions { Timeout = (float)BrowserSession.Timeout.TotalMilliseconds };
        await page.GotoAsync(url);
        await Expect(page.Locator("#live")).ToHaveTextAsync("live", wait);
        await Expect(page.Locator("#height")).ToHaveTextAsync("2", wait);
        var loads = await page.EvaluateAsync<int>("() => performance.getEntriesByType('navigation').length");

        Assert.StartsWith("connected", await x.AskAsync($"connect {y.Endpoint}"), StringComparison.Ordinal);
        await Expect(page.Locator("#height")).ToHaveTextAsync("5", wait);
        // Every row is Y's block now: X's two blocks left the list, the three below the tip were read back.
        var rows = page.Locator("#latest-blocks tbody tr");
        await Expect(rows).ToHaveCountAsync(6, new() { Timeout = wait.Timeout });
        for (var i = 0; i < 5; i++)
        {
            var hash = longer[4 - i].Split(' ')[1];
            await Expect(rows.Nth(i)).ToHaveAttributeAsync("data-hash", hash, new() { Timeout = wait.Timeout });
        }

        Assert.Equal(loads, await page.EvaluateAsync<int>("() => performance.getEntriesByType('navigation').length"));
        Assert.True(tab.Errors.Count == 0, string.Join('\n', tab.Errors));
    }
}
