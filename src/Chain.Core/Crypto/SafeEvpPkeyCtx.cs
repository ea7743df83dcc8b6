using System.Runtime.InteropServices;

namespace Chain.Core.Crypto;

/// <summary>An OpenSSL <c>EVP_PKEY_CTX</c> set up for verification, freed when disposed; used by one thread at a time.</summary>
internal sealed class SafeEvpPkeyCtx : SafeHandle
{
    public SafeEvpPkeyCtx(nint handle)
        : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        OpenSslPss.EVP_PKEY_CTX_free(handle);
        return true;
    }
}
