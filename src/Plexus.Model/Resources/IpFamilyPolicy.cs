namespace Plexus.Model;

/// <summary>Whether a Service gets one or two address families.</summary>
public enum IpFamilyPolicy
{
    /// <summary>One family.</summary>
    SingleStack,

    /// <summary>Two families when the cluster has them, else one.</summary>
    PreferDualStack,

    /// <summary>Two families, or fail.</summary>
    RequireDualStack,
}
