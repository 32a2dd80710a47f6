namespace Plexus.Model;

/// <summary>Reads and checks the spec of a Kubernetes NetworkPolicy.</summary>
internal static class NetworkPolicyValidator
{
    private static readonly string[] PolicyTypes = ["Ingress", "Egress"];

    /// <summary>Reads <c>spec</c> of <paramref name="root"/>.</summary>
    public static NetworkPolicySpec Read(ObjectReader root)
    {
        var spec = root.Object("spec", required: true);
        if (spec is null)
        {
            return new NetworkPolicySpec();
        }

        var podSelector = spec.Object("podSelector", required: true) is { } selector
            ? SelectorValidator.Read(selector, cilium: false)
            : LabelSelector.Everything;

        var types = new List<PolicyType>();
        foreach (var item in spec.StringItems("policyTypes", v => ObjectReader.EnumReason(v, PolicyTypes)))
        {
            PolicyType? type = item.Value switch
            {
                "Ingress" => PolicyType.Ingress,
                "Egress" => PolicyType.Egress,
                _ => null,
            };
            if (type is not { } valid)
            {
                continue;
            }

            if (types.Contains(valid))
            {
                spec.Scope.Error(item.Path, item.Node, $"duplicate policy type \"{item.Value}\"");
                continue;
            }

            types.Add(valid);
        }

        return new NetworkPolicySpec
        {
            PodSelector = podSelector,
            PolicyTypes = types,
            Ingress = [.. spec.Objects("ingress").Select(r => ReadRule(r, "from"))],
            Egress = [.. spec.Objects("egress").Select(r => ReadRule(r, "to"))],
        };
    }

    private static NetworkPolicyRule ReadRule(ObjectReader rule, string peersField) => new()
    {
        Peers = [.. rule.Objects(peersField).Select(ReadPeer)],
        Ports = [.. rule.Objects("ports").Select(ReadPort)],
    };

    private static NetworkPolicyPeer ReadPeer(ObjectReader peer)
    {
        var podSelector = SelectorValidator.ReadOptional(peer, "podSelector", cilium: false);
        var namespaceSelector = SelectorValidator.ReadOptional(peer, "namespaceSelector", cilium: false);
        IpBlock? ipBlock = null;
        if (peer.Object("ipBlock") is { } block)
        {
            var cidr = CidrValues.Read(block, "cidr", required: true);
            ipBlock = new IpBlock { Cidr = cidr ?? default, Except = CidrValues.ReadExcept(block, cidr) };
            if (podSelector is not null || namespaceSelector is not null)
            {
                peer.Error("ipBlock", "ipBlock cannot be combined with podSelector or namespaceSelector in the same peer; use separate peers");
            }
        }
        else if (podSelector is null && namespaceSelector is null && !peer.Has("ipBlock"))
        {
            peer.ErrorHere("a peer needs at least one of podSelector, namespaceSelector or ipBlock");
        }

        return new NetworkPolicyPeer { PodSelector = podSelector, NamespaceSelector = namespaceSelector, IpBlock = ipBlock };
    }

    private static NetworkPolicyPort ReadPort(ObjectReader port)
    {
        var protocol = PortValues.Protocol(port.Enum("protocol", PortValues.KubernetesProtocols)) ?? PortProtocol.Tcp;
        var number = PortValues.Read(port, "port", cilium: false);
        var endPort = PortValues.ReadEndPort(port, number);
        return new NetworkPolicyPort { Protocol = protocol, Port = number, EndPort = endPort };
    }
}
