namespace Plexus.Policy;

/// <summary>
/// One direction of one endpoint explained, step by step as the datapath decides it (docs/policy.md, "Lookup order"):
/// the longest match for the peer's identity, the longest match for identity 0, the direction's defaults and the
/// resulting verdict.
/// </summary>
/// <param name="EndpointId">The local endpoint whose policy was looked up.</param>
/// <param name="Identity">The endpoint's own identity.</param>
/// <param name="Direction">Ingress (peer = source) or egress (peer = destination).</param>
/// <param name="PeerIdentity">The identity on the other side.</param>
/// <param name="Protocol">IP protocol of the connection.</param>
/// <param name="Port">Destination port (ICMP: the type).</param>
/// <param name="Defaults">Whether the direction is default-deny or audited, and which rules make it so.</param>
/// <param name="PeerMatch">Lookup A: the longest entry for <paramref name="PeerIdentity"/>, if any (never for peer 0).</param>
/// <param name="AnyPeerMatch">Lookup B: the longest entry for identity 0 (any peer), if any.</param>
/// <param name="Verdict">The decision, with the entry that made it.</param>
public sealed record PolicyTrace(
    int EndpointId,
    uint Identity,
    PolicyDirection Direction,
    uint PeerIdentity,
    byte Protocol,
    int Port,
    DirectionPolicy Defaults,
    PolicyEntry? PeerMatch,
    PolicyEntry? AnyPeerMatch,
    PolicyVerdict Verdict)
{
    /// <summary>A one-line explanation: <c>DROPPED 181 POLICY_DENY by CiliumNetworkPolicy/x/deny rule#0 ingressDeny#0</c>.</summary>
    public string Summary => Verdict.Decision switch
    {
        PolicyDecision.NotEnforced => $"{Verdict.FlowVerdictName}: no policy enforces {Name(Direction)} (allow-all)",
        PolicyDecision.Allowed => $"{Verdict.FlowVerdictName}: allowed by {string.Join(", ", Verdict.Entry!.Sources)}",
        PolicyDecision.Denied => $"{Verdict.FlowVerdictName} {Reason}: denied by {string.Join(", ", Verdict.Entry!.Sources)}",
        _ => $"{Verdict.FlowVerdictName} {Reason}: no rule allows it and {Name(Direction)} is default-deny ({string.Join(", ", Defaults.EnforcedBy)})",
    };

    private string Reason => $"{Verdict.PolicyReason} {PolicyVerdict.ReasonName(Verdict.PolicyReason)}";

    private static string Name(PolicyDirection direction) => direction == PolicyDirection.Ingress ? "ingress" : "egress";
}
