namespace Plexus.Agent.Api;

/// <summary>
/// <c>GET /v1/policy/trace</c>: one direction of one local endpoint explained as the datapath decides a new connection
/// (docs/policy.md, "Lookup order"), from the compiled state the agent last programmed.
/// </summary>
/// <param name="Node">The node that answered.</param>
/// <param name="Revision">Policy revision of the state traced.</param>
/// <param name="Endpoint">The local endpoint.</param>
/// <param name="Direction"><c>ingress</c> (peer = source) or <c>egress</c> (peer = destination).</param>
/// <param name="Peer">The identity on the other side.</param>
/// <param name="Protocol">Protocol name.</param>
/// <param name="Port">Destination port (ICMP: type).</param>
/// <param name="Enforced">True when the direction is default-deny.</param>
/// <param name="EnforcedBy">The rules that make it default-deny.</param>
/// <param name="Audit">Policy audit mode: would-be drops pass as AUDIT.</param>
/// <param name="PeerMatch">Lookup A: the longest entry for the peer's identity.</param>
/// <param name="AnyPeerMatch">Lookup B: the longest entry for any peer (identity 0).</param>
/// <param name="Matched">The entry that decided, if one did.</param>
/// <param name="Decision"><c>allowed</c>, <c>denied</c>, <c>default-deny</c> or <c>not-enforced</c>.</param>
/// <param name="Verdict"><c>FORWARDED</c>, <c>DROPPED</c> or <c>AUDIT</c>.</param>
/// <param name="DropReason">181 (explicit deny) or 133 (no allow); also for AUDIT (the would-be reason); 0 when allowed.</param>
/// <param name="DropReasonDesc"><c>POLICY_DENY</c>, <c>POLICY_DENIED</c> or empty.</param>
/// <param name="Programmed">False when the agent could not program this endpoint's latest policy (the datapath holds a safe older state).</param>
/// <param name="Summary">One line: the verdict and what made it.</param>
public sealed record PolicyTraceView(
    string Node,
    long Revision,
    PolicyEndpointView Endpoint,
    string Direction,
    PolicyPeerView Peer,
    string Protocol,
    int Port,
    bool Enforced,
    IReadOnlyList<string> EnforcedBy,
    bool Audit,
    PolicyEntryView? PeerMatch,
    PolicyEntryView? AnyPeerMatch,
    PolicyEntryView? Matched,
    string Decision,
    string Verdict,
    int DropReason,
    string DropReasonDesc,
    bool Programmed,
    string Summary);
