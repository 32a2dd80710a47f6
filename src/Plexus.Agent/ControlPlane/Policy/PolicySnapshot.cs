using System.Collections.Immutable;
using Plexus.Model.State;
using Plexus.Policy;

namespace Plexus.Agent.ControlPlane.Policy;

/// <summary>
/// What the policy controller handed to the datapath in its last pass, immutable, for readers on other threads
/// (<c>GET /v1/policy/trace</c>): the compiled policy of every local endpoint and the inputs that explain it.
/// </summary>
/// <param name="Revision">Policy repository revision of the pass.</param>
/// <param name="Policies">Compiled policy per local endpoint id.</param>
/// <param name="Failed">Endpoints whose programming failed (the datapath holds a safe older state).</param>
/// <param name="Endpoints">The cluster's endpoint records as fed to the repository (store key → record).</param>
/// <param name="Identities">Identity labels as fed to the repository (store key → labels).</param>
/// <param name="Cidrs">The CIDR identities the policies need (node-local).</param>
public sealed record PolicySnapshot(
    long Revision,
    ImmutableDictionary<int, EndpointPolicy> Policies,
    ImmutableHashSet<int> Failed,
    ImmutableDictionary<string, EndpointRecord> Endpoints,
    ImmutableDictionary<string, IdentityLabels> Identities,
    IReadOnlyList<CidrIdentity> Cidrs)
{
    /// <summary>Before the first pass.</summary>
    public static PolicySnapshot None { get; } = new(0, ImmutableDictionary<int, EndpointPolicy>.Empty, [], ImmutableDictionary<string, EndpointRecord>.Empty,
        ImmutableDictionary<string, IdentityLabels>.Empty, []);
}
