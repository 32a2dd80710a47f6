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
}
