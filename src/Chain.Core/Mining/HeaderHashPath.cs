namespace Chain.Core.Mining;

/// <summary>The SHA-256 implementation a <see cref="HeaderHasher"/> searches nonces with.</summary>
public enum HeaderHashPath
{
    /// <summary>One nonce at a time in general-purpose registers.</summary>
    Scalar,

    /// <summary>Eight nonces at a time in 256-bit vectors (AVX2).</summary>
    Vector256,

    /// <summary>Sixteen nonces at a time in 512-bit vectors (AVX-512).</summary>
    Vector512,
}
