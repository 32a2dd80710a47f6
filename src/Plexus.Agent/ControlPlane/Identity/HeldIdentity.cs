using Plexus.Model.State;

namespace Plexus.Agent.ControlPlane.Identity;

/// <summary>An identity this node references, with how many local users (endpoints) hold it.</summary>
/// <param name="Identity">The numeric identity.</param>
/// <param name="Labels">Its labels.</param>
/// <param name="Count">Local holders; the node's store reference exists while this is above zero.</param>
public sealed record HeldIdentity(uint Identity, IdentityLabels Labels, int Count);
