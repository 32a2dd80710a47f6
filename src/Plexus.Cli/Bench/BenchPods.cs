using System.Net;

namespace Plexus.Cli.Bench;

/// <summary>
/// Adds pods to the server's node of one side and removes them again: the "create" the propagation scenario times.
/// Pod namespaces carry the side's name prefix (<c>plx-&lt;side&gt;-</c>), so tearing the side down removes any a
/// failed run left behind.
/// </summary>
public abstract class BenchPods
{
    /// <summary>The network namespace of pod <paramref name="pod"/> (created by the caller, before <see cref="PlumbAsync"/>).</summary>
    public abstract string Netns(string pod);

    /// <summary>Connects the pod in <see cref="Netns"/> to its node and returns its address; it serves TCP <paramref name="port"/>.</summary>
    public abstract Task<IPAddress> PlumbAsync(string pod, int port, CancellationToken cancellationToken);

    /// <summary>Undoes <see cref="PlumbAsync"/> and deletes the pod's namespace; idempotent, bounded in time.</summary>
    public abstract Task RemoveAsync(string pod, CancellationToken cancellationToken);
}
