using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Chain.Explorer.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright over the DevTools protocol. Playwright never downloads a browser here:
/// it is pointed at the installed executable (<c>apt-get install chromium</c>; <c>.ci/run</c> installs it). A
/// machine without it fails these tests with that instruction, never skips them.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    /// <summary>Where Debian installs Chromium; <c>CHAIN_CHROMIUM</c> names another executable.</summary>
    public const string DefaultExecutable = "/usr/bin/chromium";

    /// <summary>Bound on each wait for the page: generous, the machine may be loaded.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly IPlaywright _playwright;

    private BrowserSession(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<BrowserSession> StartAsync()
    {
        var executable = Environment.GetEnvironmentVariable("CHAIN_CHROMIUM") is { Length: > 0 } named ? named : DefaultExecutable;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Chromium not found at {executable}: the explorer's browser tests need it. Install Debian's package " +
                "(apt-get install -y chromium; .ci/run does this) or set CHAIN_CHROMIUM to a Chromium executable.");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            // As root (CI, containers) Chromium refuses to start without --no-sandbox.
            var args = new List<string> { "--disable-dev-shm-usage" };
            if (Environment.UserName == "root")
            {
                args.Add("--no-sandbox");
            }

            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = args,
                Timeout = (float)Timeout.TotalMilliseconds,
            });
            return new BrowserSession(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh tab in its own context (its own session storage), collecting console errors.</summary>
    public async Task<ExplorerTab> OpenAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
        return new ExplorerTab(context, page);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>One page of the explorer and every error its console showed.</summary>
public sealed class ExplorerTab : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _errors = new();

    public ExplorerTab(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                _errors.Enqueue($"console {message.Type}: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => _errors.Enqueue($"page error: {error}");
    }

    public IPage Page { get; }

    /// <summary>Console errors and warnings and uncaught exceptions so far.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
