namespace Chain.Core.Persistence;

/// <summary>
/// Writes whole files so that a crash leaves either the old content or the new, never a mix: the bytes go
/// to a temporary file in the same folder (owner-only permissions on Unix), are flushed to the disk, and
/// the temporary file is then renamed over (or to) the target.
/// </summary>
public static class AtomicFile
{
    /// <summary>Permissions of files written here on Unix: read and write for the owner only.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Replaces (or creates) <paramref name="path"/> with <paramref name="content"/>.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content) => WriteCore(path, content, overwrite: true);

    /// <summary>
    /// Creates <paramref name="path"/> with <paramref name="content"/>; throws <see cref="IOException"/> if the
    /// file already exists, so an existing file is never replaced.
    /// </summary>
    public static void Create(string path, ReadOnlySpan<byte> content) => WriteCore(path, content, overwrite: false);

    /// <summary>
    /// Deletes the temporary files that writes into <paramref name="folder"/> left behind when the process was killed
    /// mid-write (<c>.&lt;name&gt;.&lt;32 hex&gt;.tmp</c>; nothing else is touched). Call only while no write into the
    /// folder can be running. Returns how many were deleted.
    /// </summary>
    public static int DeleteLeftovers(string folder)
    {
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            var name = Path.GetFileName(file);
            var parts = name[1..^".tmp".Length].Split('.');
            if (parts.Length >= 2 && parts[^1].Length == 32 && parts[^1].All(char.IsAsciiHexDigitLower))
            {
                File.Delete(file);
                deleted++;
            }
        }

        return deleted;
    }

    private static void WriteCore(string path, ReadOnlySpan<byte> content, bool overwrite)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? throw new IOException($"{path}: no parent folder.");
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            if (overwrite)
            {
                File.Move(temp, full, overwrite: true);
            }
            else
            {
                // File.Move without overwrite fails if the target exists (rename(2) would replace it, so this
                // check-and-move is the portable way; a racing creator makes Move throw, which is what we want).
                File.Move(temp, full, overwrite: false);
            }

            FlushFolder(folder);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    // Makes the rename itself durable on Unix by syncing the folder entry; best effort elsewhere.
    internal static void FlushFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            using var handle = File.OpenHandle(folder, FileMode.Open, FileAccess.Read);
            RandomAccess.FlushToDisk(handle);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
