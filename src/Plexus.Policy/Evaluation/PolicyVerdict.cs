namespace Plexus.Policy;

/// <summary>Result of <see cref="PolicyEvaluator.Decide(EndpointPolicy, PolicyDirection, uint, byte, int)"/>, as the datapath will report it.</summary>
/// <param name="Decision">What the lookup found.</param>
/// <param name="Audit">True when the endpoint is in audit mode and the traffic would have been dropped.</param>
/// <param name="Entry">The entry that decided, when one did.</param>
public sealed record PolicyVerdict(PolicyDecision Decision, bool Audit, PolicyEntry? Entry)
{
    /// <summary>Whether the packet passes (allowed, not enforced, or audited).</summary>
    public bool Forwarded => Decision is PolicyDecision.Allowed or PolicyDecision.NotEnforced || Audit;

    /// <summary>Drop reason: 181 for an explicit deny, 133 for no allow, 0 when forwarded.</summary>
    public int DropReason => Forwarded ? 0 : Decision == PolicyDecision.Denied ? 181 : 133;

    /// <summary>Flow verdict: 1 FORWARDED, 2 DROPPED, 4 AUDIT.</summary>
    public int FlowVerdict => Audit ? 4 : Forwarded ? 1 : 2;

    /// <summary>The reason the lookup gives, also when audit mode lets the packet pass (181, 133, or 0 when allowed).</summary>
    public int PolicyReason => Decision switch
    {
        PolicyDecision.Denied => 181,
        PolicyDecision.DeniedByDefault => 133,
        _ => 0,
    };

    /// <summary>Hubble's name of <see cref="FlowVerdict"/>: <c>FORWARDED</c>, <c>DROPPED</c> or <c>AUDIT</c>.</summary>
    public string FlowVerdictName => VerdictName(FlowVerdict);

    /// <summary>Hubble's name of a flow verdict number.</summary>
    public static string VerdictName(int verdict) => verdict switch
    {
        1 => "FORWARDED",
        2 => "DROPPED",
        4 => "AUDIT",
        _ => "VERDICT_UNKNOWN",
    };

    /// <summary>Hubble's name of a policy drop reason: 181 <c>POLICY_DENY</c>, 133 <c>POLICY_DENIED</c>, else empty.</summary>
    public static string ReasonName(int reason) => reason switch
    {
        181 => "POLICY_DENY",
        133 => "POLICY_DENIED",
        _ => "",
    };
}
