using Microsoft.AspNetCore.Http;

namespace Chain.Node.Explorer;

/// <summary>
/// Serves the explorer page at the API's address: <c>GET /</c> (not a WebSocket upgrade) is the page and
/// <c>GET /assets/…</c> its files. They carry no data, so they are served without the cookie; every request the page
/// then makes for data goes through the API and its authentication. Anything else is passed on to the API.
/// </summary>
public sealed class ExplorerSite(ExplorerAssets assets)
{
    /// <summary>The path under which the page's files are served.</summary>
    public const string AssetsPath = "/assets/";

    // The page loads only its own files and talks only to its own origin (HTTP and WebSocket); the token in the
    // address is never sent elsewhere as a referrer.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Middleware for the API's pipeline: serves the page and its files, passes every other request on.</summary>
    public RequestDelegate Middleware(RequestDelegate next) => context => TryServe(context) ?? next(context);

    private Task? TryServe(HttpContext context)
    {
        var request = context.Request;
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || context.WebSockets.IsWebSocketRequest)
        {
            return null;
        }

        var path = request.Path.Value ?? "/";
        ExplorerAsset? asset;
        if (path == "/")
        {
            asset = assets.Find(ExplorerAssets.IndexName);
        }
        else if (path.StartsWith(AssetsPath, StringComparison.Ordinal))
        {
            asset = assets.Find(path[1..]);
            if (asset is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
        }
        else
        {
            return null;
        }

        return asset is null ? null : WriteAsync(context, asset);
    }

    private static async Task WriteAsync(HttpContext context, ExplorerAsset asset)
    {
        var response = context.Response;
        var headers = response.Headers;
        headers.ETag = asset.ETag;
        // Revalidated on every load (a cheap 304), so a node upgraded in place never serves a stale module.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await response.Body.WriteAsync(asset.Content, context.RequestAborted);
        }
    }
}
