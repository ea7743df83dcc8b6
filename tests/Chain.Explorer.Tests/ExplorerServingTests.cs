using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Chain.Node.Explorer;

namespace Chain.Explorer.Tests;

/// <summary>The page and its files as the node serves them, over plain HTTP.</summary>
[Collection(ExplorerCollection.Name)]
public sealed partial class ExplorerServingTests(ExplorerNodesFixture fixture)
{
    private static readonly ExplorerAssets Assets = new(typeof(ExplorerAssets).Assembly);

    [Fact]
    public void LoggedUrl_IsTheApisAddressWithTheCookieAsToken()
    {
        Assert.Equal("/", fixture.ExplorerUrl.AbsolutePath);
        Assert.Equal($"?token={fixture.Token}", fixture.ExplorerUrl.Query);
        Assert.Matches("^[0-9a-f]{64}$", fixture.Token);
    }

    [Fact]
    public async Task Page_ServedWithoutTheCookie_WithItsSecurityHeaders()
    {
        using var client = new HttpClient { BaseAddress = fixture.BaseUrl };
        using var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script type=\"module\" src=\"/assets/app.js\"></script>", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task EveryFile_ServedWithItsType_AndRevalidatedByETag()
    {
        using var client = new HttpClient { BaseAddress = fixture.BaseUrl };
        Assert.Contains("assets/app.js", Assets.Names);
        foreach (var name in Assets.Names)
        {
            var path = name == ExplorerAssets.IndexName ? "/" : "/" + name;
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Assets.Find(name)!.ContentType, response.Content.Headers.ContentType?.ToString());
            Assert.Equal(Assets.Find(name)!.Content, await response.Content.ReadAsByteArrayAsync());

            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(response.Headers.ETag!.ToString()));
            using var revalidated = await client.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        }
    }

    [Fact]
    public async Task UnknownFile_NotFound_DataStillNeedsTheCookie()
    {
        using var client = new HttpClient { BaseAddress = fixture.BaseUrl };
        using (var missing = await client.GetAsync("/assets/nothing.js"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using (var data = await client.PostAsync("/", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"status"}""")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, data.StatusCode);
        }

        Assert.True((await fixture.CallAsync("status")).TryGetProperty("height", out _));
    }

    [Fact]
    public void Modules_ImportOnlyEmbeddedFiles_AndNothingFromOutside()
    {
        foreach (var name in Assets.Names.Where(n => n.EndsWith(".js", StringComparison.Ordinal) || n.EndsWith(".html", StringComparison.Ordinal) || n.EndsWith(".css", StringComparison.Ordinal)))
        {
            var text = System.Text.Encoding.UTF8.GetString(Assets.Find(name)!.Content);
            Assert.DoesNotMatch(ExternalUrl(), text);
            foreach (Match import in ModuleImport().Matches(text))
            {
                Assert.True(Assets.Find("assets/" + import.Groups["file"].Value) is not null, $"{name} imports {import.Groups["file"].Value}, which is not embedded");
            }
        }
    }

    [GeneratedRegex(@"(?:src|href|url)\s*[=(]\s*[""']?(?:https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalUrl();

    [GeneratedRegex(@"from '\./(?<file>[^']+)'")]
    private static partial Regex ModuleImport();
}
