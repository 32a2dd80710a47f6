namespace Plexus.Model;

/// <summary>Which section of a Cilium rule is being read: direction, allow or deny, and its field name.</summary>
/// <param name="Name">Field name: <c>ingress</c>, <c>ingressDeny</c>, <c>egress</c> or <c>egressDeny</c>.</param>
/// <param name="Egress">True for egress sections.</param>
/// <param name="Deny">True for deny sections.</param>
internal sealed record CiliumSection(string Name, bool Egress, bool Deny)
{
    /// <summary>The four sections.</summary>
    public static readonly IReadOnlyList<CiliumSection> All =
    [
        new("ingress", false, false),
        new("ingressDeny", false, true),
        new("egress", true, false),
        new("egressDeny", true, true),
    ];

    /// <summary>Prefix of peer fields: <c>from</c> or <c>to</c>.</summary>
    public string PeerPrefix => Egress ? "to" : "from";
}
