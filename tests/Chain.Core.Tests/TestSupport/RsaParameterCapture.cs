using System.Numerics;
using System.Security.Cryptography;

namespace Chain.Core.Tests.TestSupport;

/// <summary>
/// An <see cref="RSA"/> that only records the parameters the base class's managed SubjectPublicKeyInfo parser hands
/// to <see cref="ImportParameters"/>: shows what .NET's parser alone would accept, beside the sender-key rule.
/// </summary>
internal sealed class RsaParameterCapture : RSA
{
    /// <summary>The parameters of the last import.</summary>
    public RSAParameters Parameters { get; private set; }

    /// <summary>Bits in the captured modulus (0 before an import).</summary>
    public override int KeySize
    {
        get
        {
            var modulus = Parameters.Modulus;
            return modulus is null || modulus.Length == 0
                ? 0
                : (modulus.Length * 8) - (BitOperations.LeadingZeroCount((uint)modulus[0]) - 24);
        }
    }

    public override RSAParameters ExportParameters(bool includePrivateParameters) =>
        throw new NotSupportedException("Only records imported parameters.");

    public override void ImportParameters(RSAParameters parameters) => Parameters = parameters;
}
