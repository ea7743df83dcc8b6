using System.Runtime.InteropServices;

namespace Chain.Core.Crypto;

/// <summary>An OpenSSL <c>EVP_PKEY</c>, freed when disposed (contexts made from it hold their own reference).</summary>
internal sealed class SafeEvpPkey : SafeHandle
{
    public SafeEvpPkey(nint handle)
        : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        OpenSslPss.EVP_PKEY_free(handle);
        return true;
    }
}
