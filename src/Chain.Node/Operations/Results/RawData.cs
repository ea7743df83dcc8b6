using System.Buffers;
using System.Text.Json.Serialization;

namespace Chain.Node.Operations.Results;

/// <summary>The raw form of a block or transaction: ENCODING.md's encoding as lower-case hex.</summary>
/// <remarks>
/// Made from the encoding, the hex is built only when asked for (the API's JSON); the console writes it from the
/// encoding piece by piece (<see cref="WriteHex"/>), so a block's 3.6 million characters are never one string.
/// </remarks>
public sealed class RawData
{
    // Bytes of the encoding turned into hex per write of WriteHex.
    private const int ChunkBytes = 16 * 1024;

    private readonly byte[]? _encoding;
    private string? _hex;

    /// <summary>The raw form given as hex (as the API's JSON carries it).</summary>
    [JsonConstructor]
    public RawData(string hex) => _hex = hex ?? throw new ArgumentNullException(nameof(hex));

    /// <summary>The raw form of <paramref name="encoding"/>, which the caller no longer changes.</summary>
    public RawData(byte[] encoding) => _encoding = encoding ?? throw new ArgumentNullException(nameof(encoding));

    /// <summary>The encoding in lower-case hex.</summary>
    public string Hex => _hex ??= Convert.ToHexStringLower(_encoding!);

    /// <summary>Writes <see cref="Hex"/> to <paramref name="output"/>, from the encoding a piece at a time when that is what this holds.</summary>
    public void WriteHex(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_encoding is null || _hex is not null)
        {
            output.Write(Hex);
            return;
        }

        var chunk = ArrayPool<char>.Shared.Rent(2 * ChunkBytes);
        try
        {
            for (var offset = 0; offset < _encoding.Length; offset += ChunkBytes)
            {
                var piece = _encoding.AsSpan(offset, Math.Min(ChunkBytes, _encoding.Length - offset));
                Convert.TryToHexStringLower(piece, chunk, out var written);
                output.Write(chunk, 0, written);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chunk);
        }
    }
}
