namespace Plexus.Interop.Bpf;

/// <summary>The hook a tc program is attached to, on clsact or tcx (values of libbpf's <c>enum bpf_tc_attach_point</c>).</summary>
public enum TcAttachPoint
{
    /// <summary>BPF_TC_INGRESS: packets received by the device.</summary>
    Ingress = 1,

    /// <summary>BPF_TC_EGRESS: packets transmitted by the device.</summary>
    Egress = 2,
}
