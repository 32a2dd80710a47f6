namespace Plexus.Model;

/// <summary>IP address family.</summary>
public enum IpFamily
{
    /// <summary>IPv4.</summary>
    IPv4,

    /// <summary>IPv6.</summary>
    IPv6,
}
