namespace Plexus.Model;

/// <summary>One ICMP type of a family (names such as <c>EchoRequest</c> are resolved to numbers).</summary>
/// <param name="Family">IPv4 (ICMP) or IPv6 (ICMPv6).</param>
/// <param name="Type">ICMP type, 0–255.</param>
public sealed record IcmpField(IpFamily Family, int Type);
