using System.Text.Json;

namespace Chain.Core.Specs;

/// <summary>Reads and writes chain specs as JSON text (camelCase members, comments and trailing commas allowed, unknown members refused).</summary>
public static class ChainSpecFile
{
    /// <summary>Largest spec file read, in bytes: room for the most genesis allocations, with comments.</summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>Parses <paramref name="json"/>; throws <see cref="ChainSpecException"/> naming the field (and line) of malformed JSON.</summary>
    public static ChainSpec Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ChainSpecJsonContext.Strict.ChainSpec)
                ?? throw new ChainSpecException(["(root): the spec is null, not an object"]);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "(root)" : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path;
            var reason = e.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "unknown field"
                : e.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase) ? "appears twice"
                : e.Path is null ? "malformed JSON" : "malformed JSON or a value of the wrong type";
            var line = e.LineNumber is { } n ? $" (line {n + 1})" : string.Empty;
            throw new ChainSpecException([$"{field}: {reason}{line}"], e);
        }
    }

    /// <summary>Reads and parses the spec file at <paramref name="path"/>; I/O errors propagate, content errors are <see cref="ChainSpecException"/>.</summary>
    public static ChainSpec Read(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
        {
            throw new ChainSpecException([$"(file): {length} bytes exceeds {MaxFileBytes}"]);
        }

        return Parse(File.ReadAllText(path));
    }

    /// <summary>The spec as indented JSON text, the form <see cref="Parse"/> reads.</summary>
    public static string ToJson(ChainSpec spec) =>
        JsonSerializer.Serialize(spec, ChainSpecJsonContext.Strict.ChainSpec) + Environment.NewLine;
}
