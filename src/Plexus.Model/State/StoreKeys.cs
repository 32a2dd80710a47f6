using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Plexus.Model.State;

/// <summary>The store's key layout (DESIGN §4). Every key Plexus writes is built here, nowhere else.</summary>
public static class StoreKeys
{
    /// <summary>Root of everything Plexus stores.</summary>
    public const string Root = "plexus/";

    /// <summary>Prefix of every identity key (ids, labels index, references).</summary>
    public const string IdentitiesPrefix = "plexus/identities/";

    /// <summary>Prefix of the identity keys <c>plexus/identities/id/&lt;number&gt;</c>.</summary>
    public const string IdentityIdsPrefix = "plexus/identities/id/";

    /// <summary>Prefix of the labels index <c>plexus/identities/labels/&lt;sha256 of the canonical labels&gt;</c>.</summary>
    public const string IdentityLabelsPrefix = "plexus/identities/labels/";

    /// <summary>Prefix of all identity references <c>plexus/identities/refs/&lt;number&gt;/&lt;node&gt;</c>.</summary>
    public const string IdentityRefsPrefix = "plexus/identities/refs/";

    /// <summary>Prefix of all node records, or of one cluster's when <paramref name="cluster"/> is given.</summary>
    public static string NodesPrefix(string? cluster = null) => cluster is null ? "plexus/nodes/" : $"plexus/nodes/{cluster}/";

    /// <summary>The record of one node, written by its agent under the agent's lease.</summary>
    public static string Node(string cluster, string node) => $"plexus/nodes/{cluster}/{node}";

    /// <summary>Prefix of one cluster's pod CIDR blocks.</summary>
    public static string IpamPrefix(string cluster) => $"plexus/ipam/{Segment(cluster)}/";

    /// <summary>The ownership key of one pod CIDR block: <c>plexus/ipam/&lt;cluster&gt;/10.1.3.0_24</c> (CAS-created, no lease).</summary>
    public static string IpamBlock(string cluster, Cidr block) => IpamPrefix(cluster) + IpamBlockName(block);

    /// <summary>A block as a key segment: the '/' of the CIDR becomes '_' (<c>10.1.3.0_24</c>, <c>fd00:1::_64</c>).</summary>
    public static string IpamBlockName(Cidr block) => string.Create(CultureInfo.InvariantCulture, $"{block.Network}_{block.PrefixLength}");

    /// <summary>Parses a segment made by <see cref="IpamBlockName"/>; false when it is not one.</summary>
    public static bool TryParseIpamBlockName(string name, out Cidr block)
    {
        ArgumentNullException.ThrowIfNull(name);
        block = default;
        var underscore = name.LastIndexOf('_');
        return underscore > 0 && Cidr.TryParse(string.Concat(name.AsSpan(0, underscore), "/", name.AsSpan(underscore + 1)), out block)
            && IpamBlockName(block) == name;
    }

    /// <summary>Prefix of the pod addresses one node allocated.</summary>
    public static string IpamAddressesPrefix(string cluster, string node) => $"plexus/ipam-addresses/{Segment(cluster)}/{Segment(node)}/";

    /// <summary>One allocated pod address: <c>plexus/ipam-addresses/&lt;cluster&gt;/&lt;node&gt;/&lt;ip&gt;</c> (CAS-created, no lease).</summary>
    public static string IpamAddress(string cluster, string node, IPAddress address) => IpamAddressesPrefix(cluster, node) + AddressText(address);

    /// <summary>The labels of one identity: <c>plexus/identities/id/&lt;number&gt;</c> (CAS-created).</summary>
    public static string IdentityId(uint identity) => IdentityIdsPrefix + identity.ToString(CultureInfo.InvariantCulture);

    /// <summary>The labels index entry of a label set: <c>plexus/identities/labels/&lt;sha256&gt;</c> → number (CAS-created).</summary>
    public static string IdentityByLabels(IdentityLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return IdentityLabelsPrefix + labels.Hash;
    }

    /// <summary>Prefix of the references to one identity.</summary>
    public static string IdentityRefs(uint identity) => $"{IdentityRefsPrefix}{identity.ToString(CultureInfo.InvariantCulture)}/";

    /// <summary>A node's reference to an identity: <c>plexus/identities/refs/&lt;number&gt;/&lt;node&gt;</c>, under the node's lease.</summary>
    public static string IdentityRef(uint identity, string node) => IdentityRefs(identity) + Segment(node);

    /// <summary>Prefix of the ipcache of all clusters, or of one cluster's when <paramref name="cluster"/> is given.</summary>
    public static string IpCachePrefix(string? cluster = null) => cluster is null ? "plexus/ipcache/" : $"plexus/ipcache/{Segment(cluster)}/";

    /// <summary>The ipcache entry of one address: <c>plexus/ipcache/&lt;cluster&gt;/&lt;ip&gt;</c>, under the owning node's lease.</summary>
    public static string IpCache(string cluster, IPAddress address) => IpCachePrefix(cluster) + AddressText(address);

    /// <summary>Prefix of endpoint records: all, one cluster's, or one node's.</summary>
    public static string EndpointsPrefix(string? cluster = null, string? node = null) => (cluster, node) switch
    {
        (null, null) => "plexus/endpoints/",
        (not null, null) => $"plexus/endpoints/{Segment(cluster)}/",
        (not null, not null) => $"plexus/endpoints/{Segment(cluster)}/{Segment(node)}/",
        _ => throw new ArgumentException("a node needs its cluster", nameof(node)),
    };

    /// <summary>One endpoint record: <c>plexus/endpoints/&lt;cluster&gt;/&lt;node&gt;/&lt;id&gt;</c>, under the node's lease.</summary>
    public static string Endpoint(string cluster, string node, int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        return EndpointsPrefix(cluster, node) + id.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Prefix of the resolved Services of all clusters, one cluster's, or one namespace's of a cluster.</summary>
    public static string ServicesPrefix(string? cluster = null, string? @namespace = null) => (cluster, @namespace) switch
    {
        (null, null) => "plexus/services/",
        (not null, null) => $"plexus/services/{Segment(cluster)}/",
        (not null, not null) => $"plexus/services/{Segment(cluster)}/{Segment(@namespace)}/",
        _ => throw new ArgumentException("a namespace needs its cluster", nameof(@namespace)),
    };

    /// <summary>The resolved Service: <c>plexus/services/&lt;cluster&gt;/&lt;namespace&gt;/&lt;name&gt;</c> (written by any agent with CAS, no lease).</summary>
    public static string Service(string cluster, string @namespace, string name) => ServicesPrefix(cluster, @namespace) + Segment(name);

    /// <summary>Prefix of one cluster's service addresses (cluster IPs and load-balancer IPs share it, so pools may not overlap in use).</summary>
    public static string ServiceIpsPrefix(string cluster) => $"plexus/services-ip/{Segment(cluster)}/";

    /// <summary>One allocated service address: <c>plexus/services-ip/&lt;cluster&gt;/&lt;ip&gt;</c> (CAS-created, no lease).</summary>
    public static string ServiceIp(string cluster, IPAddress address) => ServiceIpsPrefix(cluster) + AddressText(address);

    /// <summary>
    /// The address one Service holds, per kind (<c>ClusterIP</c>, <c>LoadBalancer</c>):
    /// <c>plexus/services-ip-owner/&lt;cluster&gt;/&lt;kind&gt;/&lt;namespace&gt;/&lt;name&gt;</c> → the address (CAS-created, no lease).
    /// It makes "one address per owner" a single compare-and-swap when agents race with different views.
    /// </summary>
    public static string ServiceIpOwner(string cluster, string kind, string owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var slash = owner.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == owner.Length - 1)
        {
            throw new ArgumentException($"owner \"{owner}\" is not namespace/name", nameof(owner));
        }

        return $"{ServiceIpOwnersPrefix(cluster, kind)}{Segment(owner[..slash])}/{Segment(owner[(slash + 1)..])}";
    }

    /// <summary>Prefix of the owner index keys of one kind in one cluster (<see cref="ServiceIpOwner"/>).</summary>
    public static string ServiceIpOwnersPrefix(string cluster, string kind) => $"plexus/services-ip-owner/{Segment(cluster)}/{Segment(kind)}/";

    /// <summary>Prefix of one cluster's allocated node ports.</summary>
    public static string ServiceNodePortsPrefix(string cluster) => $"plexus/services-nodeport/{Segment(cluster)}/";

    /// <summary>One allocated node port: <c>plexus/services-nodeport/&lt;cluster&gt;/&lt;port&gt;/&lt;tcp|udp|sctp&gt;</c> (CAS-created, no lease).</summary>
    public static string ServiceNodePort(string cluster, int port, PortProtocol protocol)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var name = protocol switch
        {
            PortProtocol.Tcp => "tcp",
            PortProtocol.Udp => "udp",
            PortProtocol.Sctp => "sctp",
            _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "node ports are TCP, UDP or SCTP"),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{ServiceNodePortsPrefix(cluster)}{port}/{name}");
    }

    /// <summary>The text of an address as keys carry it (IPv4-mapped IPv6 as IPv4, IPv6 without scope).</summary>
    public static string AddressText(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes()).ToString()
            : address.ToString();
    }

    private static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return value.Contains('/', StringComparison.Ordinal)
            ? throw new ArgumentException($"\"{value}\" cannot be a store key segment: it contains '/'", nameof(value))
            : value;
    }
}
