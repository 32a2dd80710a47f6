using System.Collections.Frozen;
using System.Globalization;

namespace Plexus.Flows;

/// <summary>Hubble's enum names for verdicts, drop reasons, trace points and directions (flow.proto numbering).</summary>
public static class FlowNames
{
    private static readonly string[] Verdicts = ["VERDICT_UNKNOWN", "FORWARDED", "DROPPED", "ERROR", "AUDIT", "REDIRECTED", "TRACED", "TRANSLATED"];

    private static readonly FrozenDictionary<int, string> Reasons = new Dictionary<int, string>
    {
        [130] = "INVALID_SOURCE_MAC", [131] = "INVALID_DESTINATION_MAC", [132] = "INVALID_SOURCE_IP", [133] = "POLICY_DENIED",
        [134] = "INVALID_PACKET_DROPPED", [135] = "CT_TRUNCATED_OR_INVALID_HEADER", [136] = "CT_MISSING_TCP_ACK_FLAG",
        [137] = "CT_UNKNOWN_L4_PROTOCOL", [138] = "CT_CANNOT_CREATE_ENTRY_FROM_PACKET", [139] = "UNSUPPORTED_L3_PROTOCOL",
        [140] = "MISSED_TAIL_CALL", [141] = "ERROR_WRITING_TO_PACKET", [142] = "UNKNOWN_L4_PROTOCOL",
        [143] = "UNKNOWN_ICMPV4_CODE", [144] = "UNKNOWN_ICMPV4_TYPE", [147] = "ERROR_RETRIEVING_TUNNEL_KEY",
        [150] = "UNKNOWN_L3_TARGET_ADDRESS", [151] = "STALE_OR_UNROUTABLE_IP", [152] = "NO_MATCHING_LOCAL_CONTAINER_FOUND",
        [153] = "ERROR_WHILE_CORRECTING_L3_CHECKSUM", [154] = "ERROR_WHILE_CORRECTING_L4_CHECKSUM", [155] = "CT_MAP_INSERTION_FAILED",
        [157] = "IP_FRAGMENTATION_NOT_SUPPORTED", [158] = "SERVICE_BACKEND_NOT_FOUND", [160] = "NO_TUNNEL_OR_ENCAPSULATION_ENDPOINT",
        [163] = "UNKNOWN_CONNECTION_TRACKING_STATE", [166] = "UNSUPPORTED_L2_PROTOCOL", [167] = "NO_MAPPING_FOR_NAT_MASQUERADE",
        [168] = "UNSUPPORTED_PROTOCOL_FOR_NAT_MASQUERADE", [169] = "FIB_LOOKUP_FAILED", [171] = "INVALID_IDENTITY",
        [172] = "UNKNOWN_SENDER", [181] = "POLICY_DENY", [183] = "INVALID_VNI", [189] = "AUTH_REQUIRED",
        [192] = "INVALID_CLUSTER_ID", [194] = "NO_EGRESS_GATEWAY", [196] = "TTL_EXCEEDED", [202] = "DROP_HOST_NOT_READY",
        [203] = "DROP_EP_NOT_READY",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<int, string> Descriptions = new Dictionary<int, string>
    {
        [132] = "Invalid source ip", [133] = "Policy denied", [134] = "Invalid packet", [141] = "Error writing to packet",
        [152] = "No matching local container found", [155] = "CT: Map insertion failed", [158] = "Service backend not found",
        [160] = "No tunnel/encapsulation endpoint", [169] = "FIB lookup failed", [171] = "Invalid identity",
        [172] = "Unknown sender", [181] = "Policy denied by denylist", [196] = "TTL exceeded",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<int, string> Points = new Dictionary<int, string>
    {
        [0] = "UNKNOWN_POINT", [1] = "TO_PROXY", [2] = "TO_HOST", [3] = "TO_STACK", [4] = "TO_OVERLAY", [5] = "FROM_ENDPOINT",
        [6] = "FROM_PROXY", [7] = "FROM_HOST", [8] = "FROM_STACK", [9] = "FROM_OVERLAY", [10] = "FROM_NETWORK",
        [11] = "TO_NETWORK", [101] = "TO_ENDPOINT",
    }.ToFrozenDictionary();

    /// <summary>All verdict names, index = number.</summary>
    public static IReadOnlyList<string> VerdictNames => Verdicts;

    /// <summary>FORWARDED, DROPPED, … for a verdict number (VERDICT_UNKNOWN when out of range).</summary>
    public static string VerdictName(int verdict) => verdict >= 0 && verdict < Verdicts.Length ? Verdicts[verdict] : Verdicts[0];

    /// <summary>Hubble's name of a drop reason (<c>POLICY_DENIED</c>), or the number for reasons it does not name.</summary>
    public static string DropReasonName(int reason) =>
        Reasons.TryGetValue(reason, out var name) ? name : reason.ToString(CultureInfo.InvariantCulture);

    /// <summary>The drop reason in words for compact output (<c>Policy denied</c>).</summary>
    public static string DropReasonDescription(int reason) =>
        Descriptions.TryGetValue(reason, out var text) ? text : DropReasonName(reason);

    /// <summary>TO_ENDPOINT, FROM_OVERLAY, … for a trace point number.</summary>
    public static string TracePointName(int point) =>
        Points.TryGetValue(point, out var name) ? name : point.ToString(CultureInfo.InvariantCulture);

    /// <summary>INGRESS (1), EGRESS (2), else TRAFFIC_DIRECTION_UNKNOWN.</summary>
    public static string DirectionName(int direction) => direction switch
    {
        1 => "INGRESS",
        2 => "EGRESS",
        _ => "TRAFFIC_DIRECTION_UNKNOWN",
    };
}
