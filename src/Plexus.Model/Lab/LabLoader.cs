using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Plexus.Model;

/// <summary>
/// Reads a lab topology file (<c>apiVersion: plexus.io/v1, kind: Lab</c>). Pure; every error is collected with its
/// path, line and column, like manifests. Defaults: a single cluster needs no <c>cluster:</c> on pods; a cluster's
/// pod CIDR defaults to <c>10.&lt;id&gt;.0.0/16</c>; pod namespaces must be declared.
/// </summary>
public static class LabLoader
{
    private const string ApiVersion = "plexus.io/v1";
    private static readonly Cidr NodeUnderlay = Cidr.Parse("172.20.0.0/16");
    private static readonly Cidr ServiceCidr = Cidr.Parse("10.96.0.0/12");
    private static readonly string[] Protocols = ["tcp", "udp"];

    /// <summary>Parses and validates <paramref name="text"/>; <paramref name="fileName"/> labels errors.</summary>
    public static LabParseResult Parse(string text, string fileName)
    {
        var (documents, syntaxError) = YamlTreeReader.Read(text);
        var errors = new List<ManifestError>();
        if (syntaxError is not null)
        {
            errors.Add(new ManifestError(fileName, syntaxError.Document, null, "", syntaxError.Reason, syntaxError.Line, syntaxError.Column));
            return new LabParseResult(null, errors);
        }

        var docs = documents.Where(d => d.Root is not (null or ScalarNode { Type: ScalarType.Null })).ToList();
        if (docs.Count != 1 || docs[0].Root is not MappingNode root)
        {
            errors.Add(new ManifestError(fileName, docs.Count == 0 ? 1 : docs[0].Number, null, "", "a lab file holds exactly one mapping with apiVersion plexus.io/v1 and kind Lab", 1, 1));
            return new LabParseResult(null, errors);
        }

        var documentErrors = new DocumentErrors(fileName, docs[0].Number);
        var scope = new ValidationScope(documentErrors) { Resource = "Lab" };
        var lab = Read(scope.Reader(root, "", new JsonObject()));
        scope.Complete();
        errors.AddRange(documentErrors.Build());
        return new LabParseResult(errors.Count == 0 ? lab : null, errors);
    }

    private static LabTopology? Read(ObjectReader root)
    {
        root.String("apiVersion", required: true, v => v == ApiVersion ? null : $"apiVersion \"{v}\" is not served for kind Lab; use \"{ApiVersion}\"");
        root.String("kind", required: true, v => v == "Lab" ? null : $"kind must be Lab, not \"{v}\"");
        var name = root.Object("metadata", required: true)?.String("name", required: true, NameSyntax.Dns1123Label);
        var spec = root.Object("spec", required: true);
        if (spec is null || name is null)
        {
            return null;
        }

        root.Scope.Resource = $"Lab {name}";
        var clusters = ReadClusters(spec);
        var namespaces = ReadNamespaces(spec);
        var pods = ReadPods(spec, clusters, namespaces);
        var externals = ReadExternals(spec, clusters);
        return new LabTopology(name, clusters, namespaces, pods, externals);
    }

    private static List<LabCluster> ReadClusters(ObjectReader spec)
    {
        var clusters = new List<LabCluster>();
        var items = spec.Objects("clusters", required: true);
        if (spec.Has("clusters") && items.Count == 0)
        {
            spec.Error("clusters", "a lab needs at least one cluster");
        }

        foreach (var c in items)
        {
            var name = c.String("name", required: true, ClusterName);
            var id = c.Int("id", required: true, min: 1, max: 255);
            var cidrText = c.String("podCIDR", check: v => Cidr.TryParse(v, out var p, out var e) ? (p.IsIPv6 ? "IPv4 only for now" : null) : e);
            var poolText = c.String("loadBalancerPool", check: v => Cidr.TryParse(v, out var p, out var e) ? (p.IsIPv6 ? "IPv4 only for now" : null) : e);
            var maglev = c.Int("maglevTableSize", min: LoadBalancing.MaglevTable.MinSize, max: LoadBalancing.MaglevTable.MaxSize);
            if (maglev is { } m && !LoadBalancing.MaglevTable.IsPrime(m))
            {
                c.Error("maglevTableSize", $"{m} is not a prime (e.g. 251, 1021, 4093, {LoadBalancing.MaglevTable.DefaultSize})");
            }

            var nodes = c.StringItems("nodes", NameSyntax.Dns1123Label, required: true);
            if (nodes.Count == 0 && c.Has("nodes"))
            {
                c.Error("nodes", "a cluster needs at least one node");
            }

            foreach (var dup in nodes.GroupBy(n => n.Value).Where(g => g.Count() > 1).Select(g => g.Last()))
            {
                c.Scope.Error(dup.Path, dup.Node, $"duplicate node \"{dup.Value}\"");
            }

            if (name is null || id is null)
            {
                continue;
            }

            var podCidr = cidrText is not null && Cidr.TryParse(cidrText, out var parsed) ? parsed : Cidr.Parse($"10.{id}.0.0/16");
            var blocks = podCidr.PrefixLength > 24 ? 0 : 1 << (24 - podCidr.PrefixLength);
            if (!podCidr.IsIPv6 && blocks < nodes.Count)
            {
                c.Error("podCIDR", $"{podCidr} holds {blocks} /24 block(s), fewer than the {nodes.Count} nodes");
            }

            if (clusters.FirstOrDefault(o => o.Name == name) is not null)
            {
                c.Error("name", $"duplicate cluster \"{name}\"");
            }

            if (clusters.FirstOrDefault(o => o.Id == id) is { } sameId)
            {
                c.Error("id", $"cluster id {id} is already used by cluster \"{sameId.Name}\"");
            }

            if (clusters.FirstOrDefault(o => o.PodCidr.Overlaps(podCidr)) is { } overlapping)
            {
                c.Error("podCIDR", $"{podCidr} overlaps the pod CIDR of cluster \"{overlapping.Name}\"");
            }

            if (podCidr.Overlaps(ServiceCidr) || podCidr.Overlaps(NodeUnderlay))
            {
                c.Error("podCIDR", $"{podCidr} overlaps the service range {ServiceCidr} or the node underlay {NodeUnderlay}");
            }

            var pool = poolText is not null && Cidr.TryParse(poolText, out var parsedPool) ? parsedPool : LabCluster.DefaultLoadBalancerPool(id.Value);
            if (pool.Overlaps(podCidr) || pool.Overlaps(ServiceCidr))
            {
                c.Error("loadBalancerPool", $"{pool} overlaps the pod CIDR {podCidr} or the service range {ServiceCidr}");
            }
            else if (clusters.FirstOrDefault(o => o.LoadBalancerPool.Overlaps(pool)) is { } sharing)
            {
                c.Error("loadBalancerPool", $"{pool} overlaps the load-balancer pool of cluster \"{sharing.Name}\"");
            }
            else if (Enumerable.Range(0, nodes.Count).Select(i => IPAddress.Parse($"172.20.{id}.{11 + i}")).Append(IPAddress.Parse($"172.20.{id}.1"))
                .FirstOrDefault(pool.Contains) is { } taken)
            {
                c.Error("loadBalancerPool", $"{pool} holds {taken}, an address of the cluster's node subnet (gateway .1, nodes from .11)");
            }

            clusters.Add(new LabCluster(name, id.Value, podCidr, [.. nodes.Select(n => n.Value).Distinct()]) { LoadBalancerPool = pool, MaglevTableSize = maglev });
        }

        return clusters;
    }

    private static List<LabNamespace> ReadNamespaces(ObjectReader spec)
    {
        var namespaces = new List<LabNamespace>();
        foreach (var n in spec.Objects("namespaces"))
        {
            var name = n.String("name", required: true, NameSyntax.Dns1123Label);
            var labels = n.StringMap("labels", LabelSyntax.KeyError, LabelSyntax.ValueError);
            if (name is null)
            {
                continue;
            }

            if (namespaces.Any(o => o.Name == name))
            {
                n.Error("name", $"duplicate namespace \"{name}\"");
                continue;
            }

            var all = new Dictionary<string, string>(labels) { [NamespaceResource.NameLabel] = name };
            namespaces.Add(new LabNamespace(name, all));
        }

        return namespaces;
    }

    private static List<LabPod> ReadPods(ObjectReader spec, List<LabCluster> clusters, List<LabNamespace> namespaces)
    {
        var pods = new List<LabPod>();
        foreach (var p in spec.Objects("pods"))
        {
            var name = p.String("name", required: true, NameSyntax.Dns1123Label);
            var ns = p.String("namespace", required: true, v => namespaces.Any(n => n.Name == v)
                ? null
                : $"namespace \"{v}\" is not declared in spec.namespaces{Suggestions.DidYouMean(v, namespaces.Select(n => n.Name))}");
            var clusterName = p.String("cluster", check: v => clusters.Any(c => c.Name == v)
                ? null
                : $"unknown cluster \"{v}\"{Suggestions.DidYouMean(v, clusters.Select(c => c.Name))}");
            if (clusterName is null && !p.Has("cluster"))
            {
                if (clusters.Count == 1)
                {
                    clusterName = clusters[0].Name;
                }
                else if (clusters.Count > 1)
                {
                    p.Missing("cluster");
                }
            }

            var cluster = clusters.FirstOrDefault(c => c.Name == clusterName);
            var node = p.String("node", required: true, v => cluster is null || cluster.Nodes.Contains(v)
                ? null
                : $"cluster \"{cluster.Name}\" has no node \"{v}\"{Suggestions.DidYouMean(v, cluster.Nodes)}");
            var labels = p.StringMap("labels", LabelSyntax.KeyError, LabelSyntax.ValueError);
            var serve = ReadServe(p);
            if (name is null || ns is null || cluster is null || node is null)
            {
                continue;
            }

            if (pods.Any(o => o.Name == name && o.Namespace == ns && o.Cluster == cluster.Name))
            {
                p.Error("name", $"duplicate pod \"{ns}/{name}\" in cluster \"{cluster.Name}\"");
                continue;
            }

            pods.Add(new LabPod(name, ns, cluster.Name, node, labels, serve));
        }

        return pods;
    }

    private static List<LabExternal> ReadExternals(ObjectReader spec, List<LabCluster> clusters)
    {
        var externals = new List<LabExternal>();
        foreach (var e in spec.Objects("externals"))
        {
            var name = e.String("name", required: true, NameSyntax.Dns1123Label);
            var addressText = e.String("address", required: true, v => IPAddress.TryParse(v, out var a) && a.AddressFamily == AddressFamily.InterNetwork
                ? null
                : $"\"{v}\" is not an IPv4 address");
            var serve = ReadServe(e);
            if (name is null || addressText is null || !IPAddress.TryParse(addressText, out var address))
            {
                continue;
            }

            var host = Cidr.FromAddress(address);
            if (clusters.FirstOrDefault(c => c.PodCidr.Contains(host)) is { } cluster)
            {
                e.Error("address", $"{address} lies in the pod CIDR of cluster \"{cluster.Name}\"");
            }
            else if (NodeUnderlay.Contains(host) || ServiceCidr.Contains(host))
            {
                e.Error("address", $"{address} lies in the node underlay {NodeUnderlay} or the service range {ServiceCidr}");
            }

            if (externals.Any(o => o.Name == name))
            {
                e.Error("name", $"duplicate external \"{name}\"");
            }
            else if (externals.Any(o => o.Address.Equals(address)))
            {
                e.Error("address", $"address {address} is already used");
            }

            externals.Add(new LabExternal(name, address, serve));
        }

        return externals;
    }

    /// <summary>Reads <c>serve</c>: items <c>PORT/PROTO</c> or <c>{port, protocol, name}</c>.</summary>
    private static List<LabPort> ReadServe(ObjectReader owner)
    {
        var ports = new List<LabPort>();
        foreach (var item in owner.Items("serve", out var output))
        {
            LabPort? port = null;
            if (item.Node is MappingNode mapping)
            {
                var json = new JsonObject();
                output.Add(json);
                var reader = owner.Scope.Reader(mapping, item.Path, json);
                var number = reader.Int("port", required: true, min: 1, max: 65535);
                var protocol = (reader.Enum("protocol", Protocols) ?? "tcp").ToLowerInvariant();
                var name = reader.String("name", check: NameSyntax.IanaServiceName);
                if (number is not null)
                {
                    port = new LabPort(number.Value, protocol, name ?? $"serve-{number}-{protocol}");
                }
            }
            else if (Scalars.TryString(item.Node, out var text))
            {
                output.Add(text);
                var parts = text.Split('/');
                if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                    && number is >= 1 and <= 65535 && Protocols.Contains(parts[1].ToLowerInvariant()))
                {
                    var protocol = parts[1].ToLowerInvariant();
                    port = new LabPort(number, protocol, $"serve-{number}-{protocol}");
                }
                else
                {
                    owner.Scope.Error(item.Path, item.Node, $"\"{text}\" is not PORT/PROTO (e.g. 80/tcp; port 1-65535, protocol tcp or udp)");
                }
            }
            else
            {
                owner.Scope.Error(item.Path, item.Node, Scalars.Expected("PORT/PROTO or {port, protocol, name}", item.Node));
            }

            if (port is null)
            {
                continue;
            }

            if (ports.Any(p => p.Port == port.Port && p.Protocol == port.Protocol))
            {
                owner.Scope.Error(item.Path, item.Node, $"{port.Port}/{port.Protocol} is listed twice");
            }
            else if (ports.Any(p => p.Name == port.Name))
            {
                owner.Scope.Error(item.Path, item.Node, $"port name \"{port.Name}\" is used twice");
            }
            else
            {
                ports.Add(port);
            }
        }

        return ports;
    }

    private static string? ClusterName(string value) =>
        value.Length <= 32 && NameSyntax.Dns1123Label(value) is null ? null : "cluster names are lower-case letters, digits and '-', at most 32 characters";
}
