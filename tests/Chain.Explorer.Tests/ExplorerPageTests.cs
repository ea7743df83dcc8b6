using System.Globalization;
using System.Text.RegularExpressions;
using Chain.Explorer.Tests.Browser;
using Chain.Node.Tests.EndToEnd;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Chain.Explorer.Tests;

/// <summary>
/// The explorer in Debian's Chromium against real nodes: what it shows matches the node, a block mined elsewhere
/// appears without a reload, search, a send, the sign-in prompt, and screenshots at phone and desktop width.
/// </summary>
[Collection(ExplorerCollection.Name)]
public sealed partial class ExplorerPageTests(ExplorerNodesFixture fixture, ITestOutputHelper output)
{
    private static readonly LocatorAssertionsToHaveTextOptions Wait = new() { Timeout = (float)BrowserSession.Timeout.TotalMilliseconds };

    /// <summary>Where screenshots go: <c>CHAIN_SCREENSHOT_DIR</c>, else <c>screenshots</c> beside the test assembly.</summary>
    public static string ScreenshotFolder =>
        Environment.GetEnvironmentVariable("CHAIN_SCREENSHOT_DIR") is { Length: > 0 } folder ? folder : Path.Combine(AppContext.BaseDirectory, "screenshots");

    private async Task<ExplorerTab> OpenDashboardAsync(int width = 1280, int height = 900)
    {
        var tab = await fixture.Browser.OpenAsync(width, height);
        await tab.Page.GotoAsync(fixture.ExplorerUrl.ToString());
        await Expect(tab.Page.Locator("#live")).ToHaveTextAsync("live", Wait);
        return tab;
    }

    private static void NoConsoleErrors(ExplorerTab tab) => Assert.True(tab.Errors.Count == 0, string.Join('\n', tab.Errors));

    [Fact]
    public async Task Dashboard_ShowsTheNodesHeight_TokenLeavesTheAddressBar()
    {
        await using var tab = await OpenDashboardAsync();
        var height = await fixture.A.StatusAsync("height");
        await Expect(tab.Page.Locator("#height")).ToHaveTextAsync(height, Wait);
        Assert.DoesNotContain("token", tab.Page.Url, StringComparison.Ordinal);
        Assert.Equal(fixture.Token, await tab.Page.EvaluateAsync<string>("sessionStorage.getItem('chain.explorer.token')"));
        await Expect(tab.Page.Locator("#latest-blocks tbody tr").First).ToHaveAttributeAsync("data-hash", await fixture.A.StatusAsync("tip"));
        await Expect(tab.Page.Locator("#sync")).ToHaveTextAsync("in sync", Wait);
        NoConsoleErrors(tab);
    }

    [Fact]
    public async Task BlocksMinedOnAnotherNode_AppearWithoutAReload()
    {
        await using var tab = await OpenDashboardAsync();
        var page = tab.Page;
        await Expect(page.Locator("#height")).ToHaveTextAsync(await fixture.A.StatusAsync("height"), Wait);
        // The page stamps when each height first shows (wall clock, as the test's), for the figure printed below.
        await page.EvaluateAsync("""
            () => {
              window.__shown = {};
              const note = () => { const e = document.getElementById('height'); if (e && !(e.textContent in window.__shown)) window.__shown[e.textContent] = Date.now(); };
              new MutationObserver(note).observe(document.querySelector('.stats'), { subtree: true, childList: true, characterData: true });
              note();
            }
            """);
        await page.EvaluateAsync("() => { window.__loads = performance.getEntriesByType('navigation').length; }");
        var delays = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var mined = await fixture.B.AskAsync("mine");
            var minedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var height = mined.Split(' ')[0];
            await Expect(page.Locator("#height")).ToHaveTextAsync(height, Wait);
            await Expect(page.Locator("#latest-blocks tbody tr").First).ToHaveAttributeAsync("data-hash", mined.Split(' ')[1]);
            var shownAt = await page.EvaluateAsync<double>($"() => window.__shown['{height}']");
            delays.Add(shownAt - minedAt);
        }

        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.__loads"));
        delays.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"explorer.block_shown_ms (B's mine answered to A's page showing the height): median {delays[2]:F0}, max {delays[^1]:F0}, all {string.Join(' ', delays.Select(d => d.ToString("F0", CultureInfo.InvariantCulture)))}"));
        NoConsoleErrors(tab);
    }

    [Fact]
    public async Task Search_FindsAHeight_ABlockHash_ATransaction_AnAddress_ByKeyboard()
    {
        await using var tab = await OpenDashboardAsync();
        var page = tab.Page;
        var block = await fixture.CallAsync("block", """["2"]""");
        var hash = block.GetProperty("header").GetProperty("hash").GetString()!;
        var coinbase = block.GetProperty("transactions")[0].GetProperty("id").GetString()!;
        var address = await fixture.A.AskAsync("address");

        async Task SearchAsync(string text)
        {
            // Keyboard only: focus the box, type, Enter.
            await page.Locator("#search-input").FocusAsync();
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.TypeAsync(text);
            await page.Keyboard.PressAsync("Enter");
        }

        await SearchAsync("2");
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Block 2", Wait);
        await Expect(page.Locator("main")).ToContainTextAsync(hash, new() { Timeout = Wait.Timeout });

        await SearchAsync(hash.ToUpperInvariant());
        await Expect(page).ToHaveURLAsync(new Regex($"#/block/{hash}$"), new() { Timeout = Wait.Timeout });
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Block 2", Wait);
        await page.Locator("a[rel=prev]").ClickAsync();
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Block 1", Wait);
        await page.Locator("a[rel=next]").ClickAsync();
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Block 2", Wait);

        await SearchAsync(coinbase);
        await Expect(page).ToHaveURLAsync(new Regex($"#/tx/{coinbase}$"), new() { Timeout = Wait.Timeout });
        await Expect(page.Locator("#tx-status")).ToHaveTextAsync("confirmed", Wait);

        await SearchAsync(address);
        await Expect(page).ToHaveURLAsync(new Regex($"#/address/{address}$"), new() { Timeout = Wait.Timeout });
        await Expect(page.Locator("#address-balance")).ToHaveTextAsync((await fixture.CallAsync("balance")).GetProperty("balance").GetString()!, Wait);
        await Expect(page.Locator("#history tbody tr")).Not.ToHaveCountAsync(0);

        await SearchAsync(new string('0', 64));
        await Expect(page.Locator("main .notice")).ToContainTextAsync("No block or transaction", new() { Timeout = Wait.Timeout });
        await SearchAsync("chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt8c");
        await Expect(page.Locator("main .notice")).ToContainTextAsync("checksum does not match", new() { Timeout = Wait.Timeout });
        NoConsoleErrors(tab);
    }

    [Fact]
    public async Task SendFromThePage_ConfirmedFirst_ArrivesInTheRecipientsBalance()
    {
        await using var tab = await OpenDashboardAsync();
        var page = tab.Page;
        var recipient = await fixture.B.AskAsync("address");
        var before = (await fixture.B.AskAsync("balance")).Split(' ')[0];
        await page.Locator("nav >> text=Wallet").ClickAsync();
        await Expect(page.Locator("#wallet-address")).ToHaveTextAsync(await fixture.A.AskAsync("address"), Wait);

        // Refusals in the node's words, before anything is sent.
        await page.Locator("#send-to").FillAsync("chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt8c");
        await page.Locator("#send-amount").FillAsync("1.123456789");
        await page.Locator("#send-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#send-to-error")).ToContainTextAsync("checksum does not match", new() { Timeout = Wait.Timeout });
        await Expect(page.Locator("#send-amount-error")).ToContainTextAsync("more than 8 decimals", new() { Timeout = Wait.Timeout });
        Assert.False(await page.Locator("#send-dialog").IsVisibleAsync());

        // More than the wallet holds: confirmed, then refused by the node with its message.
        await page.Locator("#send-to").FillAsync(recipient);
        await page.Locator("#send-amount").FillAsync("100000");
        await page.Locator("#send-form button[type=submit]").ClickAsync();
        await page.Locator("#send-confirm").ClickAsync();
        await Expect(page.Locator("#send-error")).ToContainTextAsync("error: insufficient balance", new() { Timeout = Wait.Timeout });

        // Cancel sends nothing.
        await page.Locator("#send-amount").FillAsync("2.5");
        await page.Locator("#send-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#send-dialog")).ToContainTextAsync("2.50001 coins", new() { Timeout = Wait.Timeout });
        await page.Keyboard.PressAsync("Escape");
        Assert.False(await page.Locator("#send-dialog").IsVisibleAsync());
        Assert.Equal(0, (await fixture.CallAsync("mempool")).GetProperty("transactions").GetArrayLength());

        await page.Locator("#send-form button[type=submit]").ClickAsync();
        await page.Locator("#send-confirm").ClickAsync();
        var id = await page.Locator("#sent-id").TextContentAsync(new() { Timeout = Wait.Timeout });
        Assert.Matches("^[0-9a-f]{64}$", id);

        // The dashboard lists it as it enters the mempool, then the block that confirms it.
        await page.Locator("nav >> text=Dashboard").ClickAsync();
        await Expect(page.Locator($"#pending tr[data-id='{id}']")).ToHaveCountAsync(1, new() { Timeout = Wait.Timeout });
        var mined = await fixture.A.AskAsync("mine");
        await Expect(page.Locator("#height")).ToHaveTextAsync(mined.Split(' ')[0], Wait);
        await Expect(page.Locator($"#pending tr[data-id='{id}']")).ToHaveCountAsync(0, new() { Timeout = Wait.Timeout });

        var expected = (decimal.Parse(before, CultureInfo.InvariantCulture) + 2.5m).ToString(CultureInfo.InvariantCulture);
        await NodeProcess.WaitUntilAsync(async () => (await fixture.B.AskAsync("balance")).Split(' ')[0] == expected, $"B's balance to reach {expected}", fixture.A, fixture.B);
        await page.GotoAsync(new Uri(fixture.BaseUrl, $"#/tx/{id}").ToString());
        await Expect(page.Locator("#tx-status")).ToHaveTextAsync("confirmed", Wait);
        await Expect(page.Locator("#tx-amount")).ToHaveTextAsync("2.5", Wait);

        // The sender's page counts the transfer in its nonce.
        await page.Locator("main a[href^='#/address/'] >> nth=0").ClickAsync();
        await Expect(page.Locator("#address-nonce")).ToHaveTextAsync("1", Wait);
        NoConsoleErrors(tab);
    }

    [Fact]
    public async Task SendForm_RefusesAmountsInTheConsolesWords_BeforeTheConfirmation()
    {
        await using var tab = await OpenDashboardAsync();
        var page = tab.Page;
        var recipient = await fixture.B.AskAsync("address");
        await page.Locator("nav >> text=Wallet").ClickAsync();
        await page.Locator("#send-to").FillAsync(recipient);
        // The page checks amounts itself, so it can refuse before the confirmation; its words must stay the console's.
        var cases = new (string Amount, string Fee)[] { ("abc", ""), ("5.", ""), (".5", ""), ("-1", ""), ("1.123456789", ""), ("21000000.00000001", ""), ("99999999999", ""), ("1", "0.000000001"), ("1", "x") };
        foreach (var (amount, fee) in cases)
        {
            var console = await fixture.A.AskAsync($"send {recipient} {amount} {fee}".TrimEnd());
            Assert.StartsWith("error: ", console, StringComparison.Ordinal);
            await page.Locator("#send-amount").FillAsync(amount);
            await page.Locator("#send-fee").FillAsync(fee);
            await page.Locator("#send-form button[type=submit]").ClickAsync();
            var field = fee.Length == 0 ? "#send-amount-error" : "#send-fee-error";
            await Expect(page.Locator(field)).ToHaveTextAsync(console["error: ".Length..], Wait);
            Assert.False(await page.Locator("#send-dialog").IsVisibleAsync());
        }

        NoConsoleErrors(tab);
    }

    [Fact]
    public async Task PeersPage_ListsTheOtherNode()
    {
        await using var tab = await OpenDashboardAsync();
        var page = tab.Page;
        await page.Locator("#peers-count").ClickAsync();
        await Expect(page.Locator("#peers tbody tr")).ToHaveCountAsync(1, new() { Timeout = Wait.Timeout });
        await Expect(page.Locator("#peers tbody")).ToContainTextAsync(fixture.B.NodeId[..16], new() { Timeout = Wait.Timeout });
        await Expect(page.Locator("#peers tbody")).ToContainTextAsync("inbound", new() { Timeout = Wait.Timeout });

        // Since when, the traffic both ways and the ping column, as `peers` reports them (the counts start after the
        // handshake, so a peer that has sent nothing since shows 0).
        await Expect(page.Locator("#peers thead")).ToContainTextAsync("Since (UTC)");
        await Expect(page.Locator("#peers tbody")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"));
        await Expect(page.Locator("#peers tbody")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\d+ / \d+"));
        NoConsoleErrors(tab);
    }

    [Fact]
    public async Task WrongOrMissingToken_GetsTheSignInPrompt_TheRightOneOpensThePage()
    {
        await using var tab = await fixture.Browser.OpenAsync();
        var page = tab.Page;
        await page.GotoAsync(new Uri(fixture.BaseUrl, "?token=" + new string('0', 64)).ToString());
        await Expect(page.Locator("#login")).ToBeVisibleAsync(new() { Timeout = Wait.Timeout });
        await Expect(page.Locator("#login-error")).ToContainTextAsync("refused", new() { Timeout = Wait.Timeout });
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);

        await using var fresh = await fixture.Browser.OpenAsync();
        await fresh.Page.GotoAsync(fixture.BaseUrl.ToString());
        await Expect(fresh.Page.Locator("#login")).ToBeVisibleAsync(new() { Timeout = Wait.Timeout });
        NoConsoleErrors(fresh);

        await page.Locator("#login-token").FillAsync(fixture.Token);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#height")).ToHaveTextAsync(await fixture.A.StatusAsync("height"), Wait);
        await Expect(page.Locator("#login")).ToBeHiddenAsync();
        // The refused token's request is the only console message: Chromium reports every HTTP 401 it receives.
        Assert.All(tab.Errors, e => Assert.Contains("401", e, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("phone", 375, 812)]
    [InlineData("desktop", 1280, 900)]
    public async Task Screenshots_DashboardAndBlock_FitTheWidth(string name, int width, int height)
    {
        await using var tab = await OpenDashboardAsync(width, height);
        var page = tab.Page;
        await Expect(page.Locator("#height")).ToHaveTextAsync(await fixture.A.StatusAsync("height"), Wait);
        Directory.CreateDirectory(ScreenshotFolder);
        var pages = new (string Route, string Ready)[] { ("", "#latest-blocks"), ("block/1", "#block-transactions"), ("wallet", "#send-form"), ("peers", "#peer-total") };
        foreach (var (route, ready) in pages)
        {
            await page.GotoAsync(new Uri(fixture.BaseUrl, "#/" + route).ToString());
            await page.Locator(ready).WaitForAsync();
            // Nothing wider than the screen: a phone scrolls only up and down (wide tables scroll inside their box).
            Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width, $"#/{route} is wider than {width} px");
            var file = Path.Combine(ScreenshotFolder, $"{name}-{(route.Length == 0 ? "dashboard" : route.Replace('/', '-'))}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            output.WriteLine($"screenshot {file}");
        }

        NoConsoleErrors(tab);
    }
}
