using System.Net;
using Plexus.Datapath.Services;
using Plexus.Model.State;

namespace Plexus.Agent.ControlPlane.Services;

/// <summary>Turns resolved Services into the frontends the datapath serves: ClusterIP, node port and load-balancer frontends per port.</summary>
public static class ServiceFrontends
{
    /// <summary>
    /// The frontends of <paramref name="record"/>: none for a headless Service or one whose allocation failed; per TCP/UDP
    /// port one ClusterIP frontend, one node port frontend (<see cref="IPAddress.Any"/>) when it has a node port, and one
    /// frontend per load-balancer address. SCTP ports have no frontend (the datapath balances TCP and UDP).
    /// </summary>
    public static IEnumerable<ServiceFrontend> Of(ServiceStatusRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.IsHeadless || record.Errors.Count > 0 || !IPAddress.TryParse(record.ClusterIP, out var clusterIp))
        {
            yield break;
        }

        foreach (var port in record.Ports)
        {
            if (ProtocolNumber(port.Protocol) is not { } protocol)
            {
                continue;
            }

            var backends = port.Backends
                .Select(b => IPAddress.TryParse(b.Ip, out var ip) ? new ServiceBackend(ip, b.Port, b.Pod, b.Node) : null)
                .OfType<ServiceBackend>()
                .ToList();
            ServiceFrontend Frontend(ServiceFrontendKind kind, IPAddress address, int number) => new()
            {
                Service = record.Owner,
                PortName = port.Name,
                Kind = kind,
                Address = address,
                Port = number,
                Protocol = protocol,
                Backends = backends,
                AffinityTimeoutSeconds = record.AffinityTimeoutSeconds,
            };

            yield return Frontend(ServiceFrontendKind.ClusterIP, clusterIp, port.Port);
            if (port.NodePort is { } nodePort)
            {
                yield return Frontend(ServiceFrontendKind.NodePort, IPAddress.Any, nodePort);
            }

            foreach (var lb in record.LoadBalancerIPs)
            {
                if (IPAddress.TryParse(lb, out var address))
                {
                    yield return Frontend(ServiceFrontendKind.LoadBalancer, address, port.Port);
                }
            }
        }
    }

    /// <summary>A text that differs whenever anything the datapath programs for <paramref name="frontend"/> differs.</summary>
    public static string Signature(ServiceFrontend frontend)
    {
        ArgumentNullException.ThrowIfNull(frontend);
        return $"{frontend.Key}|{frontend.Kind}|{frontend.Service}|{frontend.PortName}|{frontend.AffinityTimeoutSeconds}|"
            + string.Join(',', frontend.Backends.Select(b => $"{b.Address}:{b.Port}:{b.Pod}:{b.Node}:{b.Weight}"));
    }

    private static byte? ProtocolNumber(string protocol) => protocol.ToUpperInvariant() switch
    {
        "TCP" => 6,
        "UDP" => 17,
        _ => null,
    };
}
