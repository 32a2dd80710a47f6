using System.Text.Json.Serialization;

namespace Plexus.Flows;

/// <summary>One flow record in Hubble's shape (cilium/cilium <c>api/v1/flow/flow.proto</c>, jsonpb field names).</summary>
public sealed record Flow
{
    /// <summary>When the event happened (UTC).</summary>
    [JsonPropertyName("time")]
    public DateTimeOffset Time { get; init; }

    /// <summary>FORWARDED, DROPPED, AUDIT, …</summary>
    [JsonPropertyName("verdict")]
    public string Verdict { get; init; } = FlowNames.VerdictName(0);

    /// <summary>Numeric drop reason (Cilium's numbering), 0 when not dropped.</summary>
    [JsonPropertyName("drop_reason")]
    public int DropReason { get; init; }

    /// <summary>Drop reason name (POLICY_DENIED, POLICY_DENY, …); null when not dropped.</summary>
    [JsonPropertyName("drop_reason_desc")]
    public string? DropReasonDesc { get; init; }

    /// <summary>Addresses.</summary>
    [JsonPropertyName("IP")]
    public FlowIp? IP { get; init; }

    /// <summary>Ports and flags (TCP, UDP) or type and code (ICMPv4).</summary>
    [JsonPropertyName("l4")]
    public FlowLayer4? L4 { get; init; }

    /// <summary>The sending endpoint.</summary>
    [JsonPropertyName("source")]
    public FlowEndpoint? Source { get; init; }

    /// <summary>The receiving endpoint.</summary>
    [JsonPropertyName("destination")]
    public FlowEndpoint? Destination { get; init; }

    /// <summary>L3_L4 (L7 later).</summary>
    [JsonPropertyName("Type")]
    public string Type { get; init; } = "L3_L4";

    /// <summary>The node that observed it, <c>cluster/node</c>.</summary>
    [JsonPropertyName("node_name")]
    public string? NodeName { get; init; }

    /// <summary>Monitor event type: 1 drop, 4 trace, 5 policy verdict; sub type: the drop reason or trace point.</summary>
    [JsonPropertyName("event_type")]
    public FlowEventType? EventType { get; init; }

    /// <summary>INGRESS, EGRESS or TRAFFIC_DIRECTION_UNKNOWN.</summary>
    [JsonPropertyName("traffic_direction")]
    public string TrafficDirection { get; init; } = FlowNames.DirectionName(0);

    /// <summary>Where the datapath saw it (TO_ENDPOINT, TO_OVERLAY, FROM_NETWORK, …).</summary>
    [JsonPropertyName("trace_observation_point")]
    public string? TraceObservationPoint { get; init; }

    /// <summary>True for the reply direction of a connection.</summary>
    [JsonPropertyName("is_reply")]
    public bool IsReply { get; init; }

    /// <summary>Service of the destination (the frontend the client addressed), when known.</summary>
    [JsonPropertyName("destination_service")]
    public FlowService? DestinationService { get; init; }

    /// <summary>Policies whose egress rules allowed the connection.</summary>
    [JsonPropertyName("egress_allowed_by")]
    public IReadOnlyList<FlowPolicy>? EgressAllowedBy { get; init; }

    /// <summary>Policies whose ingress rules allowed the connection.</summary>
    [JsonPropertyName("ingress_allowed_by")]
    public IReadOnlyList<FlowPolicy>? IngressAllowedBy { get; init; }

    /// <summary>Policies that denied it on egress: the deny rule's policy (181), or the policies that make egress default-deny (133).</summary>
    [JsonPropertyName("egress_denied_by")]
    public IReadOnlyList<FlowPolicy>? EgressDeniedBy { get; init; }

    /// <summary>Policies that denied it on ingress, as <see cref="EgressDeniedBy"/>.</summary>
    [JsonPropertyName("ingress_denied_by")]
    public IReadOnlyList<FlowPolicy>? IngressDeniedBy { get; init; }

    /// <summary>One-line human summary (<c>TCP Flags: SYN</c>, <c>UDP</c>, <c>ICMPv4 EchoRequest</c>).</summary>
    [JsonPropertyName("Summary")]
    public string? Summary { get; init; }

    /// <summary>The policy rules behind the decision as the compiler names them (<c>CiliumNetworkPolicy/x/web rule#0 ingressDeny#1</c>); Plexus's addition to Hubble's fields.</summary>
    [JsonPropertyName("policy_rules")]
    public IReadOnlyList<string>? PolicyRules { get; init; }
}
