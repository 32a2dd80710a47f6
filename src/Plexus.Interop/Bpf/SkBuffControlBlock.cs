using System.Runtime.CompilerServices;

namespace Plexus.Interop.Bpf;

/// <summary><c>__sk_buff.cb</c>: five 32-bit words of scratch space that survive tail calls.</summary>
[InlineArray(5)]
public struct SkBuffControlBlock
{
    private uint _word;
}
