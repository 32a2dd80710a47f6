using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct lb_service</c>: what a frontend leads to.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct LbService
{
    /// <summary>Service id = reverse-NAT id; keys the Maglev and reverse-NAT maps.</summary>
    public ushort Id;

    /// <summary>LB_F_* flags (<see cref="DatapathConstants.LbAffinity"/>, …).</summary>
    public ushort Flags;

    /// <summary>Number of backends; 0 = the frontend refuses.</summary>
    public uint BackendCount;

    /// <summary>ClientIP affinity timeout in seconds.</summary>
    public uint AffinityTimeout;

    private uint _pad;
}
