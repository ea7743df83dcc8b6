namespace Chain.Core.Wallets;

/// <summary>
/// scrypt cost parameters of an encrypted wallet, and the bounds a file's parameters must respect before
/// the KDF runs, so a hostile file cannot make the node allocate gigabytes or spin for hours.
/// </summary>
internal readonly record struct ScryptParameters(int N, int R, int P)
{
    /// <summary>Largest accepted N (must also be a power of two, at least 2).</summary>
    public const int MaxN = 1 << 20;

    /// <summary>Largest accepted block size r.</summary>
    public const int MaxR = 32;

    /// <summary>Largest accepted parallelism p.</summary>
    public const int MaxP = 16;

    /// <summary>Largest accepted 128·N·r, the memory scrypt allocates: 8 times the default.</summary>
    public const long MaxMemoryBytes = 256L << 20;

    /// <summary>Largest accepted 128·N·r·p, proportional to the running time: 32 times the default.</summary>
    public const long MaxWorkBytes = 1L << 30;

    /// <summary>N=2^15, r=8, p=1: 32 MiB, a fraction of a second.</summary>
    public static ScryptParameters Default => new(1 << 15, 8, 1);

    /// <summary>Whether the parameters are valid for scrypt and within the bounds above.</summary>
    public bool IsWithinBounds =>
        N is >= 2 and <= MaxN
        && (N & (N - 1)) == 0
        && R is >= 1 and <= MaxR
        && P is >= 1 and <= MaxP
        && 128L * N * R <= MaxMemoryBytes
        && 128L * N * R * P <= MaxWorkBytes;
}
