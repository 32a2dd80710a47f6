using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Plexus.Agent.ControlPlane.Identity;
using Plexus.Agent.ControlPlane.Policy;
using Plexus.Agent.Datapath;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Policy;

namespace Plexus.Agent.Api;

/// <summary>
/// <c>GET /v1/policy/trace?pod=NS/POD&amp;direction=ingress|egress&amp;peer=IDENTITY|peerIp=IP&amp;port=N&amp;protocol=tcp</c>:
/// explains the verdict a new connection of a local endpoint would get in one direction, from the compiled policy the
/// agent last programmed (<see cref="PolicyController.Snapshot"/>) and with <see cref="PolicyEvaluator.Trace"/>, the
/// C# mirror of the datapath lookup. A peer address resolves through this node's ipcache map, as the datapath does
/// (no entry = world). 400 for a bad query, 404 for a pod that is not a local endpoint with policy.
/// </summary>
public static class PolicyTraceApi
{
    /// <summary>Maps the route under <paramref name="v1"/>.</summary>
    public static void Map(RouteGroupBuilder v1, string node, PolicyController policies, DatapathController datapath)
    {
        ArgumentNullException.ThrowIfNull(v1);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(datapath);
        v1.MapGet("/policy/trace", (HttpRequest request) =>
        {
            var query = request.Query;
            Func<IPAddress, uint?>? ipcache = datapath.Datapath is { } dp ? ip => LookupIpCache(dp, ip) : null;
            var (view, error, status) = Trace(node, policies.Snapshot, ipcache,
                query["pod"], query["direction"], query["peer"], query["peerIp"], query["port"], query["protocol"]);
            return view is not null
                ? Results.Json(view, AgentJsonContext.Default.PolicyTraceView)
                : Results.Json(new ApiError(error!), AgentJsonContext.Default.ApiError, statusCode: status);
        });
    }

    /// <summary>
    /// Builds the trace from <paramref name="snapshot"/>; <paramref name="ipcache"/> resolves a peer address the way the
    /// datapath does, null when no entry matches (without a datapath, null: the snapshot's endpoint records and CIDR
    /// identities are used instead).
    /// Returns the view, or an error message with its HTTP status.
    /// </summary>
    public static (PolicyTraceView? View, string? Error, int Status) Trace(
        string node, PolicySnapshot snapshot, Func<IPAddress, uint?>? ipcache,
        string? pod, string? direction, string? peer, string? peerIp, string? port, string? protocol)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (string.IsNullOrEmpty(pod) || pod.Split('/') is not [var ns, var name] || ns.Length == 0 || name.Length == 0)
        {
            return Bad($"pod: \"{pod}\" is not NAMESPACE/POD");
        }

        PolicyDirection dir;
        switch (direction?.ToLowerInvariant())
        {
            case "ingress":
                dir = PolicyDirection.Ingress;
                break;
            case "egress":
                dir = PolicyDirection.Egress;
                break;
            default:
                return Bad($"direction: \"{direction}\" is not ingress or egress");
        }

        if (!TryParseProtocol(protocol, out var proto))
        {
            return Bad($"protocol: \"{protocol}\" is not tcp, udp, sctp, icmp, icmpv6 or a protocol number");
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > 65535
            || (number == 0 && proto is IpProtocols.Tcp or IpProtocols.Udp or IpProtocols.Sctp))
        {
            return Bad($"port: \"{port}\" is not a port number 1-65535 (ICMP: the type 0-255)");
        }

        var record = snapshot.Endpoints.Values.FirstOrDefault(e => e.Node == node && e.Namespace == ns && e.Pod == name);
        if (record is null || !snapshot.Policies.TryGetValue(record.Id, out var policy))
        {
            return (null, $"pod {ns}/{name} is not an endpoint with compiled policy on node {node}", 404);
        }

        PolicyPeerView peerView;
        if (!string.IsNullOrEmpty(peer))
        {
            if (!uint.TryParse(peer, NumberStyles.None, CultureInfo.InvariantCulture, out var identity))
            {
                return Bad($"peer: \"{peer}\" is not an identity number");
            }

            peerView = new PolicyPeerView(identity, LabelsOf(snapshot, identity), "identity", null);
        }
        else if (IPAddress.TryParse(peerIp ?? "", out var address) && address.AddressFamily == AddressFamily.InterNetwork)
        {
            peerView = Resolve(snapshot, ipcache, address);
        }
        else
        {
            return Bad(string.IsNullOrEmpty(peerIp) ? "peer or peerIp: one is required" : $"peerIp: \"{peerIp}\" is not an IPv4 address");
        }

        var trace = PolicyEvaluator.Trace(policy, dir, peerView.Identity, proto, number);
        var verdict = trace.Verdict;
        var view = new PolicyTraceView(
            node,
            snapshot.Revision,
            new PolicyEndpointView(record.Id, record.Namespace, record.Pod, record.Ip, policy.Identity, LabelsOf(snapshot, policy.Identity)),
            dir == PolicyDirection.Ingress ? "ingress" : "egress",
            peerView,
            IpProtocols.Name(proto),
            number,
            trace.Defaults.DefaultDeny,
            trace.Defaults.EnforcedBy,
            trace.Defaults.Audit,
            PolicyEntryView.From(trace.PeerMatch),
            PolicyEntryView.From(trace.AnyPeerMatch),
            PolicyEntryView.From(verdict.Entry),
            verdict.Decision switch
            {
                PolicyDecision.Allowed => "allowed",
                PolicyDecision.Denied => "denied",
                PolicyDecision.DeniedByDefault => "default-deny",
                _ => "not-enforced",
            },
            verdict.FlowVerdictName,
            verdict.PolicyReason,
            PolicyVerdict.ReasonName(verdict.PolicyReason),
            !snapshot.Failed.Contains(record.Id),
            trace.Summary);
        return (view, null, 200);

        static (PolicyTraceView?, string?, int) Bad(string message) => (null, message, 400);
    }

    /// <summary>Parses <c>tcp</c>, <c>udp</c>, <c>sctp</c>, <c>icmp</c>, <c>icmpv6</c> or a number 1–255.</summary>
    public static bool TryParseProtocol(string? text, out byte protocol)
    {
        protocol = text?.ToLowerInvariant() switch
        {
            "tcp" => IpProtocols.Tcp,
            "udp" => IpProtocols.Udp,
            "sctp" => IpProtocols.Sctp,
            "icmp" => IpProtocols.Icmp,
            "icmpv6" => IpProtocols.IcmpV6,
            _ => byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (byte)0,
        };
        return protocol != 0;
    }

    // Like the datapath: the ipcache's longest match, world when nothing matches. Without the map, the same answer
    // from the records the controller was fed: an endpoint's address, else the longest CIDR identity.
    private static PolicyPeerView Resolve(PolicySnapshot snapshot, Func<IPAddress, uint?>? ipcache, IPAddress address)
    {
        var text = address.ToString();
        if (ipcache is not null)
        {
            var found = ipcache(address);
            var identity = found ?? (uint)ReservedIdentity.World;
            return new PolicyPeerView(identity, LabelsOf(snapshot, identity), found is null ? "world" : "ipcache", text);
        }

        if (snapshot.Endpoints.Values.FirstOrDefault(e => e.Ip == text && e.Identity != 0) is { } endpoint)
        {
            return new PolicyPeerView(endpoint.Identity, LabelsOf(snapshot, endpoint.Identity), "store", text);
        }

        var cidr = snapshot.Cidrs.Where(c => c.Cidr.Contains(address)).MaxBy(c => c.Cidr.PrefixLength);
        return cidr is not null
            ? new PolicyPeerView(cidr.Number, LabelsOf(snapshot, cidr.Number), "store", text)
            : new PolicyPeerView((uint)ReservedIdentity.World, LabelsOf(snapshot, (uint)ReservedIdentity.World), "world", text);
    }

    private static IReadOnlyList<string> LabelsOf(PolicySnapshot snapshot, uint identity)
    {
        if (identity is > 0 and < IdentityNumbers.FirstAllocatable && Enum.IsDefined((ReservedIdentity)identity))
        {
            return IdentityLabels.ForReserved((ReservedIdentity)identity).ToStrings();
        }

        if (snapshot.Cidrs.FirstOrDefault(c => c.Number == identity) is { } cidr)
        {
            return [$"cidr:{cidr.Cidr}", "reserved:world"];
        }

        return snapshot.Identities.TryGetValue(StoreKeys.IdentityId(identity), out var labels) ? labels.ToStrings() : [];
    }

    private static uint? LookupIpCache(NodeDatapath datapath, IPAddress address) =>
        datapath.IpCache.TryLookup(NodeDatapath.IpCacheKeyOf(new IPNetwork(address, 32)), out IpCacheInfo info) ? info.Identity : null;
}
