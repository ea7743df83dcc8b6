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

    /// <summary>
    /// An RSA-2048 key with public exponent 3, which the sender-key rule refuses (made once with
    /// <c>openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -pkeyopt rsa_keygen_pubexp:3</c>).
    /// </summary>
    public const string PemExponent3 = """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQD/Cbmr/YnJoUx5
        llPQGfRyQor2UMiqQ0uwddCSnCK/GQZYBz6fC2b6OH8heDB2uWrQKSVMBPNWc/zq
        hv+lElX6Aufr0b7tYNJHwudS7kOBxmt0jCLzWph9c24jlFGKZ+udRu8ZUu9GpIN7
        3c0gvNlfP6Jd/pCf9s8avjIdJSKi1bivSUj/WhAhC5P2tIyWrgAilpDOcNB3eGwz
        2jP89zIlHdklHTHbTtLBJytROwUg5+h/QzV/it9IYHwEkn8Jv4G8IaXqoMIKsn92
        MocqZBmelYFcPKlrVyIcj0KBDhYBfrzX+ghBjJDu+NOufODeifGtaSeth8thuIiW
        mZSMmKgDAgEDAoIBAQCqBnvH/lvbwN2mZDfgEU2hgbH5izBxgjJ1o+BhvWx/ZgQ6
        r38UskSm0FTA+sr50PHgG24yrfeO9/3xr1UYtuP8Ae/yi9SeQIwv10Th9C0BLvJN
        ssH3kbr+TPQXuDZcRUe+L0oQ4fTZwwJSk94V0zuU1RbpVGBqpIoR1CFow2xsjSZu
        h0vc3bAalO96ZhdvSjGcwVRDcnCnAkn4TVSMUqicqb1VxpnSa3BSO/0Crni5t8Ky
        GG9R1gLGZv2h1rwe5kWzNXvf6O12ll92T0yC7b41ezvIwmxIBp4DqzcU/Egu5H5X
        XOn8uGK55Gdc4UKmmSS0SjwXsSWcnjN41r47DOILAoGBAP+GWeqvY0dJhAT0cx5f
        V1cdhcSZDXkuCbphclgdulaFcCTzLOqbIHrA3yv+Qf76A5ZpwImvhEAERvC0u5Xy
        sTfwdvo5VMbQ7QuIK5M1Ea5D3A3mCMyS4OcQ9xWpDJ01aMiGfI6sRpTsTqvVHZPK
        /vewby2htXYduK/aJuykDQ8LAoGBAP+DJGyEqkCvqCfKqEsQZ16Z7s3QN65O60Ld
        890MwN60rxgxRmCEjS+E7gPO81EQUK4KXgTVRZsafw7dFM7otOE+2nHhbpcH4+S8
        kAEw7c4KgJnJEDpsbE4GF1o4hwyFvzbOchqaMWfr04zODWkZpULuip/oSJzZEouH
        MIqP+EXpAoGBAKpZkUcfl4TbrVii92mU5OS+WS27XlDJW9GWTDq+fDmuSsNMyJxn
        avyAlMf+1qn8AmRGgFvKWCqthKB4fQ6hy3qgT1F7jdngngewHQzOC8mCkrPusIhh
        60S1+g5wsxN48IWu/bRy2bidicfjaQ0x/0/K9MkWePlpJcqRb0htXgoHAoGBAKpX
        bZ2txtXKcBqHGty1mj8RSd6Kz8mJ8iyT9+izKz8jH2V2LusDCMpYnq00ojYK4HQG
        6ViOLmdm/18+Dd9Fzet/PEvrnw9al+3TCqt1896xqxEwtXxISDQED5F7BLMD1M80
        TBG8IO/yjQiJXkYRGNdJsb/wMGiQtwevdbG1UC6bAoGBAOMqUAF8dQLa2MwEbKVk
        95l0Ogm3xgv3EApzoTSnouWOVm+Oe5SC5WikqFmQtIbWxXTIvwROheI/egrcqGGQ
        npcKueIEyLVtPVfLdU9RrXYFPQg/BJx4w65z2CTIEam4fvEHYSjKrxGB1ttrhWfH
        xDPJKz4Y/D0nmvMKtoKZAOPs
        -----END PRIVATE KEY-----
        """;

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
