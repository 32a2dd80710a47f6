using Plexus.Policy;

namespace Plexus.Agent.ControlPlane.Policy;

/// <summary>Where the policy controller puts the CIDR identities policies need: this node's ipcache (node-local identities).</summary>
public interface ICidrIdentitySink
{
    /// <summary>Adds or replaces the ipcache prefix of <paramref name="identity"/>.</summary>
    void Upsert(CidrIdentity identity);

    /// <summary>Removes the ipcache prefix of <paramref name="identity"/>.</summary>
    void Remove(CidrIdentity identity);
}
