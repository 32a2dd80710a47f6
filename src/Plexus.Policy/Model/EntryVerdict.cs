namespace Plexus.Policy;

/// <summary>What a policy map entry does with matching traffic.</summary>
public enum EntryVerdict : byte
{
    /// <summary>Let the traffic through.</summary>
    Allow = 1,

    /// <summary>Drop it with reason 181 (POLICY_DENY), whatever allows it.</summary>
    Deny = 2,
}
