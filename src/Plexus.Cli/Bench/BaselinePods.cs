using System.Globalization;
using System.Net;
using Plexus.Lab.Topology;

namespace Plexus.Cli.Bench;

/// <summary>
/// Pods added to the baseline by hand, with no store and no agent: a veth to node 2, a /32 address from
/// 10.1.2.100–250, a link-local gateway and a host route (<see cref="BaselineBed.PlumbPod"/>). Node 1 already routes
/// 10.1.2.0/24 over the VXLAN device, so nothing has to propagate: this is the kernel's floor for "create a pod".
/// </summary>
public sealed class BaselinePods(string name) : BenchPods
{
    private const int FirstHost = 100;
    private const int LastHost = 250;
    private readonly Dictionary<string, int> _hosts = [];
    private int _veths;

    /// <inheritdoc/>
    public override string Netns(string pod) => LabNames.Pod(name, "c1", "bench", pod);

    /// <inheritdoc/>
    public override Task<IPAddress> PlumbAsync(string pod, int port, CancellationToken cancellationToken)
    {
        var host = Enumerable.Range(FirstHost, LastHost - FirstHost + 1).FirstOrDefault(h => !_hosts.ContainsValue(h));
        if (host == 0)
        {
            throw new BenchException($"baseline {name}: no free pod address in 10.1.2.{FirstHost}-{LastHost}");
        }

        var address = IPAddress.Parse($"10.1.2.{host.ToString(CultureInfo.InvariantCulture)}");
        // A fresh host-side name each time: a deleted namespace takes its veth along only once nothing holds it.
        var veth = $"lxp{(++_veths).ToString(CultureInfo.InvariantCulture)}";
        BaselineBed.PlumbPod(LabNames.Node(name, "c1", "n2"), Netns(pod), address, veth);
        _hosts[pod] = host;
        return Task.FromResult(address);
    }

    /// <inheritdoc/>
    public override Task RemoveAsync(string pod, CancellationToken cancellationToken)
    {
        Interop.Namespaces.NetNs.Delete(Netns(pod));
        _hosts.Remove(pod);
        return Task.CompletedTask;
    }
}
