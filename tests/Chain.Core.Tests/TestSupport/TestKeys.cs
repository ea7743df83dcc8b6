using System.Security.Cryptography;

namespace Chain.Core.Tests.TestSupport;

/// <summary>
/// Two RSA-2048 private keys (PKCS#8 PEM) generated once per test run: key generation dominates the cost of
/// wallet tests, and most tests need "a key", not a fresh one. Tests of generation itself make their own.
/// </summary>
internal static class TestKeys
{
    public static string PemA { get; } = Generate();

    public static string PemB { get; } = Generate();

    /// <summary>A new RSA object holding <paramref name="pem"/>'s key; the caller disposes it.</summary>
    public static RSA Load(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    }

    private static string Generate()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }
}
