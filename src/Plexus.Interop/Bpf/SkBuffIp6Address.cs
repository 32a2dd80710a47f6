using System.Runtime.CompilerServices;

namespace Plexus.Interop.Bpf;

/// <summary>An IPv6 address as four 32-bit words in network order, as in <c>__sk_buff.remote_ip6</c>.</summary>
[InlineArray(4)]
public struct SkBuffIp6Address
{
    private uint _word;
}
