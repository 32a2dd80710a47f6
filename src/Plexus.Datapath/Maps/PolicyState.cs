using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct policy_state</c>: per-direction policy flags of one endpoint (<c>POLICY_F_*</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct PolicyState
{
    /// <summary>Ingress flags.</summary>
    public byte Ingress;

    /// <summary>Egress flags.</summary>
    public byte Egress;

    private ushort _pad;
}
