using System.Text.Json.Nodes;
using Chain.Core.Tests.TestSupport;
using Chain.Core.Wallets;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;

namespace Chain.Core.Tests.Wallets;

/// <summary>The stored PEMs are standard: other implementations read the same key.</summary>
public sealed class WalletKeyInteropTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Wallet _wallet;
    private readonly string _privateKeyPem;

    public WalletKeyInteropTests()
    {
        _wallet = WalletTestHelpers.CreateWallet(_dir.Path, passphrase: null);
        var json = JsonNode.Parse(File.ReadAllText(WalletFile.GetPath(_dir.Path)))!;
        _privateKeyPem = json["privateKey"]!.GetValue<string>();
    }

    public void Dispose()
    {
        _wallet.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void PrivateKeyPem_BouncyCastlePemReader_ReadsTheSameRsaKey()
    {
        using var reader = new PemReader(new StringReader(_privateKeyPem));
        var key = Assert.IsType<RsaPrivateCrtKeyParameters>(reader.ReadObject());

        using var publicReader = new PemReader(new StringReader(_wallet.PublicKeyPem));
        var publicKey = Assert.IsType<RsaKeyParameters>(publicReader.ReadObject());

        Assert.Equal(2048, key.Modulus.BitLength);
        Assert.Equal(publicKey.Modulus, key.Modulus);
        Assert.Equal(publicKey.Exponent, key.PublicExponent);
        var parameters = _wallet.Key.ExportParameters(includePrivateParameters: false);
        Assert.Equal(new Org.BouncyCastle.Math.BigInteger(1, parameters.Modulus), key.Modulus);
    }

    [Fact]
    public void PrivateKeyPem_OpenSslPkey_ParsesAndDerivesTheStoredPublicKey()
    {
        if (OpenSslTool.Path is null)
        {
            return; // openssl not on PATH: skip the external check.
        }

        var pemPath = _dir.File("private.pem");
        File.WriteAllText(pemPath, _privateKeyPem);

        var check = OpenSslTool.Run("pkey", "-in", pemPath, "-noout");
        Assert.True(check.ExitCode == 0, check.StdErr);

        var publicKey = OpenSslTool.Run("pkey", "-in", pemPath, "-pubout");
        Assert.True(publicKey.ExitCode == 0, publicKey.StdErr);
        Assert.Equal(Normalize(_wallet.PublicKeyPem), Normalize(publicKey.StdOut));
    }

    [Fact]
    public void Signature_OpenSslDgstPss_Verifies()
    {
        if (OpenSslTool.Path is null)
        {
            return;
        }

        var dataPath = _dir.File("data.bin");
        var signaturePath = _dir.File("data.sig");
        var publicPath = _dir.File("public.pem");
        File.WriteAllBytes(dataPath, "transfer 10"u8.ToArray());
        File.WriteAllBytes(signaturePath, _wallet.SignData("transfer 10"u8));
        File.WriteAllText(publicPath, _wallet.PublicKeyPem);

        var verify = OpenSslTool.Run(
            "dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32",
            "-verify", publicPath, "-signature", signaturePath, dataPath);

        Assert.True(verify.ExitCode == 0, verify.StdOut + verify.StdErr);
    }

    private static string Normalize(string pem) => pem.Replace("\r", "", StringComparison.Ordinal).Trim();
}
