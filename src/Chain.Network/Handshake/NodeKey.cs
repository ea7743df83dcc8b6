using System.Security.Cryptography;
using System.Text;
using Chain.Core.Crypto;
using Chain.Core.Persistence;

namespace Chain.Network.Handshake;

/// <summary>
/// The node's long-term identity: an RSA-2048 key, kept apart from any wallet key, stored as PKCS#8 PEM in
/// <see cref="FileName"/> in the data folder. The node id is the SHA-256 of the public key's SubjectPublicKeyInfo DER.
/// </summary>
public sealed class NodeKey : IDisposable
{
    /// <summary>Name of the key file inside the data folder.</summary>
    public const string FileName = "node.key";

    /// <summary>Length of a node id in hex characters.</summary>
    public const int NodeIdLength = 64;

    private const string PemLabel = "PRIVATE KEY";

    private readonly byte[] _publicKey;

    private NodeKey(RSA rsa)
    {
        Rsa = rsa;
        _publicKey = rsa.ExportSubjectPublicKeyInfo();
        NodeId = ComputeNodeId(_publicKey);
    }

    /// <summary>The node id: 64 lower-case hex characters.</summary>
    public string NodeId { get; }

    /// <summary>The public key as SubjectPublicKeyInfo DER.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    internal RSA Rsa { get; }

    /// <summary>Creates a fresh key held in memory only.</summary>
    public static NodeKey Generate() => new(RSA.Create(RsaPss.KeySizeBits));

    /// <summary>
    /// Loads <see cref="FileName"/> from <paramref name="dataDirectory"/>, or creates it (owner-only) when absent.
    /// </summary>
    /// <exception cref="InvalidDataException">The file exists but is not a PKCS#8 PEM RSA-2048 key; it is left as it is.</exception>
    public static NodeKey LoadOrCreate(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            return Load(path);
        }

        var key = Generate();
        try
        {
            AtomicFile.Create(path, Encoding.ASCII.GetBytes(key.Rsa.ExportPkcs8PrivateKeyPem()));
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs, never overwrite.
            key.Dispose();
            return Load(path);
        }
    }

    /// <summary>Loads a PKCS#8 PEM RSA-2048 key from <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not such a key.</exception>
    public static NodeKey Load(string path)
    {
        var text = File.ReadAllText(path);
        if (!PemEncoding.TryFind(text, out var fields) || text[fields.Label] != PemLabel)
        {
            throw Corrupt(path, $"no \"{PemLabel}\" PEM block");
        }

        var rsa = RSA.Create();
        try
        {
            var der = Convert.FromBase64String(text[fields.Base64Data]);
            rsa.ImportPkcs8PrivateKey(der, out var read);
            if (read != der.Length)
            {
                throw Corrupt(path, "trailing bytes after the key");
            }

            if (rsa.KeySize != RsaPss.KeySizeBits)
            {
                throw Corrupt(path, $"an RSA key of {rsa.KeySize} bits, not {RsaPss.KeySizeBits}");
            }

            return new NodeKey(rsa);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            rsa.Dispose();
            throw Corrupt(path, e.Message, e);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>The node id of a SubjectPublicKeyInfo DER public key: lower-case hex SHA-256.</summary>
    public static string ComputeNodeId(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>True for exactly 64 lower-case hex characters.</summary>
    public static bool IsValidNodeId(string? nodeId) =>
        nodeId is { Length: NodeIdLength } && nodeId.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <inheritdoc />
    public void Dispose() => Rsa.Dispose();

    private static InvalidDataException Corrupt(string path, string reason, Exception? inner = null) =>
        new($"The node key file {path} is not a PKCS#8 PEM RSA-{RsaPss.KeySizeBits} private key ({reason}). It was left untouched; repair or remove it.", inner);
}
