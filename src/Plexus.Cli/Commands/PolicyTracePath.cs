using System.Text.Json.Nodes;

namespace Plexus.Cli.Commands;

/// <summary>
/// One way a traced connection goes: the egress trace of the source endpoint and, when the destination is a Plexus
/// endpoint, the ingress trace at it; <see cref="Backend"/> names the Service backend this path is translated to.
/// </summary>
/// <param name="Backend">For a Service: the backend (kind pod or address, namespace, pod, ip, port, cluster, node); else null.</param>
/// <param name="Egress">The source agent's <c>/v1/policy/trace</c> answer for egress.</param>
/// <param name="Ingress">The destination agent's answer for ingress; null when the destination is not an endpoint.</param>
public sealed record PolicyTracePath(JsonObject? Backend, JsonObject Egress, JsonObject? Ingress)
{
    /// <summary>The direction that decides: the first that drops (egress first), else the first audited, else none.</summary>
    public string? DecidedAt =>
        Dropped(Egress) ? "egress"
        : Ingress is not null && Dropped(Ingress) ? "ingress"
        : Audited(Egress) ? "egress"
        : Ingress is not null && Audited(Ingress) ? "ingress"
        : null;

    /// <summary><c>FORWARDED</c>, <c>AUDIT</c> or <c>DROPPED</c>.</summary>
    public string Verdict => DecidedAt switch
    {
        "egress" => PolicyTraceReport.Str(Egress, "verdict") ?? "DROPPED",
        "ingress" => PolicyTraceReport.Str(Ingress!, "verdict") ?? "DROPPED",
        _ => "FORWARDED",
    };

    /// <summary>181, 133 (also the would-be reason under AUDIT) or 0.</summary>
    public long DropReason => DecidedAt switch
    {
        "egress" => PolicyTraceReport.Int(Egress, "dropReason"),
        "ingress" => PolicyTraceReport.Int(Ingress!, "dropReason"),
        _ => 0,
    };

    /// <summary><c>POLICY_DENY</c>, <c>POLICY_DENIED</c> or empty.</summary>
    public string DropReasonDesc => DecidedAt switch
    {
        "egress" => PolicyTraceReport.Str(Egress, "dropReasonDesc") ?? "",
        "ingress" => PolicyTraceReport.Str(Ingress!, "dropReasonDesc") ?? "",
        _ => "",
    };

    /// <summary><c>DROPPED (181 POLICY_DENY at ingress of x/b)</c>, <c>FORWARDED</c>, …</summary>
    public string Outcome
    {
        get
        {
            if (DecidedAt is not { } at)
            {
                return "FORWARDED";
            }

            var endpoint = (at == "egress" ? Egress : Ingress!)["endpoint"] as JsonObject ?? [];
            var who = $"{PolicyTraceReport.Str(endpoint, "namespace")}/{PolicyTraceReport.Str(endpoint, "pod")}";
            return Verdict == "AUDIT"
                ? $"AUDIT (would drop: {DropReason} {DropReasonDesc} at {at} of {who}; audit mode lets it pass)"
                : $"DROPPED ({DropReason} {DropReasonDesc} at {at} of {who})";
        }
    }

    /// <summary>The machine-readable form.</summary>
    public JsonObject ToJson() => new()
    {
        ["backend"] = Backend?.DeepClone(),
        ["egress"] = Egress.DeepClone(),
        ["ingress"] = Ingress?.DeepClone(),
        ["verdict"] = Verdict,
        ["dropReason"] = DropReason,
        ["dropReasonDesc"] = DropReasonDesc,
        ["decidedAt"] = DecidedAt,
    };

    private static bool Dropped(JsonObject trace) => PolicyTraceReport.Str(trace, "verdict") == "DROPPED";

    private static bool Audited(JsonObject trace) => PolicyTraceReport.Str(trace, "verdict") == "AUDIT";
}
