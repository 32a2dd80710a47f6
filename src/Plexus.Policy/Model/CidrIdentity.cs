using Plexus.Model;

namespace Plexus.Policy;

/// <summary>
/// A node-local identity (bit 24 set) standing for a CIDR that policies name. The agent writes
/// <see cref="Cidr"/> → <see cref="Number"/> into the ipcache; addresses it knows more precisely (pods, nodes)
/// keep their own identity by longest-prefix match.
/// </summary>
/// <param name="Cidr">The prefix.</param>
/// <param name="Number">The identity (<see cref="Plexus.Model.State.IdentityNumbers.LocalScopeFlag"/> | n).</param>
public sealed record CidrIdentity(Cidr Cidr, uint Number);
