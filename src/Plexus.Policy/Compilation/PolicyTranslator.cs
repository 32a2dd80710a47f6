using Plexus.Model;

namespace Plexus.Policy;

/// <summary>Translates NetworkPolicy and Cilium policy resources into <see cref="CompiledPolicy"/> rules.</summary>
internal static class PolicyTranslator
{
    private static readonly byte[] AnyProtocolExpansion = [IpProtocols.Tcp, IpProtocols.Udp, IpProtocols.Sctp];

    public static CompiledPolicy Translate(Resource resource) => resource switch
    {
        NetworkPolicyResource policy => Translate(policy),
        CiliumNetworkPolicyResource policy => Translate(policy),
        _ => throw new ArgumentException($"{resource} is not a policy", nameof(resource)),
    };

    private static CompiledPolicy Translate(NetworkPolicyResource policy)
    {
        var ns = policy.Metadata.Namespace ?? "default";
        var id = $"{policy.Kind}/{ns}/{policy.Metadata.Name}";
        var spec = policy.Spec;
        var sections = new List<CompiledSection>();
        if (spec.AppliesToIngress)
        {
            sections.AddRange(spec.Ingress.Select((r, i) => Section(r, $"{id} ingress#{i}", PolicyDirection.Ingress, ns)));
        }

        if (spec.AppliesToEgress)
        {
            sections.AddRange(spec.Egress.Select((r, i) => Section(r, $"{id} egress#{i}", PolicyDirection.Egress, ns)));
        }

        var rule = new CompiledRule
        {
            Id = id,
            Subject = LabelPeerSelector.ForPods(spec.PodSelector, ns),
            IsolatesIngress = spec.AppliesToIngress,
            IsolatesEgress = spec.AppliesToEgress,
            Sections = sections,
        };
        return new CompiledPolicy { Key = policy.Key, Resource = policy, Rules = [rule], Warnings = [] };
    }

    private static CompiledSection Section(NetworkPolicyRule rule, string id, PolicyDirection direction, string ns)
    {
        var peers = rule.Peers.Select(p => p.IpBlock is { } block
            ? (PeerSelector)new CidrPeerSelector(CidrMath.Subtract(block.Cidr, block.Except), anyAddress: false)
            : LabelPeerSelector.ForNetworkPolicyPeer(p.PodSelector, p.NamespaceSelector, ns)).ToList();
        var ports = rule.Ports.Count == 0
            ? [PortSpec.AllTraffic]
            : rule.Ports.Select(p =>
            {
                var protocol = IpProtocols.Of(p.Protocol);
                return p.Port switch
                {
                    null => new PortSpec(protocol, 0, 65535, null),
                    { IsNamed: true } named => new PortSpec(protocol, 0, 0, named.Name),
                    var number => new PortSpec(protocol, number.Number!.Value, p.EndPort ?? number.Number!.Value, null),
                };
            }).ToList();
        return new CompiledSection
        {
            Id = id,
            Direction = direction,
            Verdict = EntryVerdict.Allow,
            AnyPeer = rule.Peers.Count == 0,
            Peers = peers,
            Ports = ports,
        };
    }

    private static CompiledPolicy Translate(CiliumNetworkPolicyResource policy)
    {
        var ns = policy.IsClusterwide ? null : policy.Metadata.Namespace ?? "default";
        var baseId = ns is null ? $"{policy.Kind}/{policy.Metadata.Name}" : $"{policy.Kind}/{ns}/{policy.Metadata.Name}";
        var warnings = new List<string>();
        var rules = new List<CompiledRule>();
        for (var i = 0; i < policy.Rules.Count; i++)
        {
            var rule = policy.Rules[i];
            var id = $"{baseId} rule#{i}";
            if (rule.SelectsNodes)
            {
                warnings.Add($"{id}: nodeSelector (host policy) is not supported yet; rule ignored");
                continue;
            }

            var sections = new List<CompiledSection>();
            void Add(IReadOnlyList<CiliumPeerRule> list, string name, PolicyDirection direction, EntryVerdict verdict)
            {
                for (var j = 0; j < list.Count; j++)
                {
                    if (Section(list[j], $"{id} {name}#{j}", direction, verdict, ns, warnings) is { } section)
                    {
                        sections.Add(section);
                    }
                }
            }

            Add(rule.Ingress, "ingress", PolicyDirection.Ingress, EntryVerdict.Allow);
            Add(rule.IngressDeny, "ingressDeny", PolicyDirection.Ingress, EntryVerdict.Deny);
            Add(rule.Egress, "egress", PolicyDirection.Egress, EntryVerdict.Allow);
            Add(rule.EgressDeny, "egressDeny", PolicyDirection.Egress, EntryVerdict.Deny);
            rules.Add(new CompiledRule
            {
                Id = id,
                Subject = LabelPeerSelector.ForCilium(rule.Subject, ns),
                IsolatesIngress = rule.HasIngress && rule.EnableDefaultDenyIngress != false,
                IsolatesEgress = rule.HasEgress && rule.EnableDefaultDenyEgress != false,
                Sections = sections,
            });
        }

        return new CompiledPolicy { Key = policy.Key, Resource = policy, Rules = rules, Warnings = warnings };
    }

    private static CompiledSection? Section(CiliumPeerRule rule, string id, PolicyDirection direction, EntryVerdict verdict, string? ns, List<string> warnings)
    {
        var hasL4 = rule.ToPorts.Count > 0 || rule.Icmps.Count > 0;
        if (rule.HasNoPeers && !hasL4)
        {
            // `ingress: [{}]` selects no peer: the section only makes the endpoint default-deny
            return null;
        }

        var anyPeer = rule.HasNoPeers || rule.Entities.Contains(CiliumEntity.All);
        var peers = new List<PeerSelector>();
        peers.AddRange(rule.Endpoints.Select(s => LabelPeerSelector.ForCilium(s, ns)));
        peers.AddRange(rule.Entities.Where(e => e != CiliumEntity.All).Distinct().Select(e => new EntityPeerSelector(e)));
        var anyAddress = verdict == EntryVerdict.Deny;
        peers.AddRange(rule.Cidrs.Select(c => new CidrPeerSelector([c], anyAddress)));
        foreach (var set in rule.CidrSets)
        {
            if (set.Cidr is { } cidr)
            {
                peers.Add(new CidrPeerSelector(CidrMath.Subtract(cidr, set.Except), anyAddress));
            }
            else
            {
                warnings.Add($"{id}: cidrGroupRef \"{set.CidrGroupRef}\" is not supported yet; it matches nothing");
            }
        }

        if (rule.Nodes.Count > 0 || rule.Services.Count > 0 || rule.Fqdns.Count > 0 || rule.Groups.Count > 0)
        {
            warnings.Add($"{id}: toNodes/fromNodes, toServices, toFQDNs and toGroups are not supported yet; they match nothing");
        }

        var ports = new List<PortSpec>();
        foreach (var portRule in rule.ToPorts)
        {
            if (portRule.Rules is not null)
            {
                warnings.Add($"{id}: L7 rules are not enforced yet; the ports are allowed at L4");
            }

            if (portRule.Ports.Count == 0)
            {
                ports.Add(PortSpec.AllTraffic);
            }

            foreach (var port in portRule.Ports)
            {
                var protocol = IpProtocols.Of(port.Protocol);
                switch (port.Port)
                {
                    case null:
                        ports.Add(new PortSpec(protocol, 0, 65535, null));
                        break;
                    case { IsNamed: true } named:
                        ports.Add(new PortSpec(protocol, 0, 0, named.Name));
                        break;
                    case var number when protocol == IpProtocols.Any:
                        ports.AddRange(AnyProtocolExpansion.Select(p => new PortSpec(p, number.Number!.Value, port.EndPort ?? number.Number!.Value, null)));
                        break;
                    case var number:
                        ports.Add(new PortSpec(protocol, number.Number!.Value, port.EndPort ?? number.Number!.Value, null));
                        break;
                }
            }
        }

        foreach (var field in rule.Icmps.SelectMany(i => i.Fields))
        {
            var protocol = field.Family == IpFamily.IPv6 ? IpProtocols.IcmpV6 : IpProtocols.Icmp;
            ports.Add(new PortSpec(protocol, field.Type, field.Type, null));
        }

        return new CompiledSection
        {
            Id = id,
            Direction = direction,
            Verdict = verdict,
            AnyPeer = anyPeer,
            Peers = peers,
            Requires = rule.Requires.Select(s => (PeerSelector)LabelPeerSelector.ForCilium(s, ns)).ToList(),
            Ports = ports.Count == 0 ? [PortSpec.AllTraffic] : ports,
        };
    }
}
