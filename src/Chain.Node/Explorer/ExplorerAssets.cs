using System.Reflection;
using System.Security.Cryptography;

namespace Chain.Node.Explorer;

/// <summary>
/// The explorer's static files (HTML, ES modules, CSS, an icon), embedded in the node's assembly under
/// <see cref="ResourcePrefix"/>: nothing is read from disk or fetched from elsewhere at run time. Each file is read
/// once, with its content type and an ETag (a hash of its bytes).
/// </summary>
public sealed class ExplorerAssets
{
    /// <summary>The prefix of the embedded resources' logical names (set in Chain.Node.csproj).</summary>
    public const string ResourcePrefix = "explorer/";

    /// <summary>The page served for <c>GET /</c>.</summary>
    public const string IndexName = "index.html";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    private readonly Dictionary<string, ExplorerAsset> _assets = new(StringComparer.Ordinal);

    /// <summary>Reads every embedded file of <paramref name="assembly"/> (the node's, by default).</summary>
    public ExplorerAssets(Assembly? assembly = null)
    {
        assembly ??= typeof(ExplorerAssets).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var file = name[ResourcePrefix.Length..];
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8))}\"";
            _assets[file] = new ExplorerAsset(file, bytes, type, etag);
        }
    }

    /// <summary>The file names, relative to the explorer's root (<c>index.html</c>, <c>assets/app.js</c>, …).</summary>
    public IEnumerable<string> Names => _assets.Keys;

    /// <summary>The file at <paramref name="name"/> (relative, forward slashes), or null.</summary>
    public ExplorerAsset? Find(string name) => _assets.GetValueOrDefault(name);
}

/// <summary>One embedded file: its bytes, HTTP content type and ETag.</summary>
public sealed record ExplorerAsset(string Name, byte[] Content, string ContentType, string ETag);
