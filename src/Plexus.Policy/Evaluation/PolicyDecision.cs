namespace Plexus.Policy;

/// <summary>Outcome of a policy lookup before audit mode is applied.</summary>
public enum PolicyDecision
{
    /// <summary>No policy enforces this direction: traffic passes.</summary>
    NotEnforced,

    /// <summary>An allow entry matched.</summary>
    Allowed,

    /// <summary>A deny entry matched (drop reason 181 POLICY_DENY).</summary>
    Denied,

    /// <summary>Default-deny and no entry matched (drop reason 133 POLICY_DENIED).</summary>
    DeniedByDefault,
}
