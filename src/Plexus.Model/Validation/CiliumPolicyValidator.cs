namespace Plexus.Model;

/// <summary>Reads and checks CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy rules, following Cilium's own sanity rules.</summary>
internal static class CiliumPolicyValidator
{
    private static readonly string[] AuthenticationModes = ["disabled", "required", "test-always-fail"];

    /// <summary>Reads <c>spec</c> and <c>specs</c> of <paramref name="root"/>.</summary>
    public static IReadOnlyList<CiliumRule> Read(ObjectReader root, bool clusterwide)
    {
        var rules = new List<CiliumRule>();
        if (root.Object("spec") is { } spec)
        {
            rules.Add(ReadRule(spec, clusterwide));
        }

        var hasSpecs = root.Has("specs");
        rules.AddRange(root.Objects("specs").Select(s => ReadRule(s, clusterwide)));
        if (!root.Has("spec") && !hasSpecs)
        {
            root.Error("spec", "a Cilium policy needs spec or specs (a list of rules)");
        }
        else if (rules.Count == 0 && hasSpecs && root.Get("specs") is SequenceNode { Items.Count: 0 })
        {
            root.Error("specs", "specs must hold at least one rule");
        }

        return rules;
    }

    private static CiliumRule ReadRule(ObjectReader rule, bool clusterwide)
    {
        var endpointSelector = SelectorValidator.ReadOptional(rule, "endpointSelector", cilium: true);
        var nodeSelector = SelectorValidator.ReadOptional(rule, "nodeSelector", cilium: true);
        if (rule.Has("endpointSelector") && rule.Has("nodeSelector"))
        {
            rule.Error("nodeSelector", "endpointSelector and nodeSelector cannot both be set: a rule selects either endpoints or nodes");
        }
        else if (!rule.Has("endpointSelector") && !rule.Has("nodeSelector"))
        {
            rule.ErrorHere("one of endpointSelector or nodeSelector is required (endpointSelector: {} selects every endpoint)");
        }
        else if (rule.Has("nodeSelector") && !clusterwide)
        {
            rule.Error("nodeSelector", "nodeSelector (host policy) is only allowed in a CiliumClusterwideNetworkPolicy");
        }

        var description = rule.String("description");
        var labels = rule.Objects("labels").Select(l => new RuleLabel(
            l.String("key", required: true) ?? "",
            l.String("value") ?? "",
            l.String("source"))).ToList();

        bool? denyIngress = null;
        bool? denyEgress = null;
        if (rule.Object("enableDefaultDeny") is { } defaultDeny)
        {
            denyIngress = defaultDeny.Bool("ingress");
            denyEgress = defaultDeny.Bool("egress");
        }

        var sections = CiliumSection.All.ToDictionary(
            s => s.Name,
            s => (IReadOnlyList<CiliumPeerRule>)[.. rule.Objects(s.Name).Select(r => ReadPeerRule(r, s))]);

        return new CiliumRule
        {
            EndpointSelector = endpointSelector,
            NodeSelector = nodeSelector,
            Description = description,
            Labels = labels,
            EnableDefaultDenyIngress = denyIngress,
            EnableDefaultDenyEgress = denyEgress,
            Ingress = sections["ingress"],
            IngressDeny = sections["ingressDeny"],
            Egress = sections["egress"],
            EgressDeny = sections["egressDeny"],
        };
    }

    private static CiliumPeerRule ReadPeerRule(ObjectReader rule, CiliumSection section)
    {
        var p = section.PeerPrefix;
        var endpoints = SelectorValidator.ReadList(rule, p + "Endpoints", cilium: true);
        var requires = SelectorValidator.ReadList(rule, p + "Requires", cilium: true);
        var entities = rule.StringItems(p + "Entities", CiliumEntities.Reason)
            .Select(e => CiliumEntities.ByName.TryGetValue(e.Value, out var entity) ? (CiliumEntity?)entity : null)
            .OfType<CiliumEntity>()
            .ToList();
        var cidrs = CidrValues.ReadList(rule, p + "CIDR");
        var cidrSets = rule.Objects(p + "CIDRSet").Select(ReadCidrRule).ToList();
        var nodes = SelectorValidator.ReadList(rule, p + "Nodes", cilium: true);

        var services = new List<ServiceSelector>();
        var fqdns = new List<FqdnSelector>();
        var groups = new List<AwsGroup>();
        if (section.Egress)
        {
            services.AddRange(rule.Objects("toServices").Select(ReadServiceSelector));
            groups.AddRange(rule.Objects("toGroups").Select(ReadGroup));
            if (section.Deny)
            {
                if (rule.Has("toFQDNs"))
                {
                    rule.Error("toFQDNs", "toFQDNs is not supported in egressDeny rules");
                }
            }
            else
            {
                fqdns.AddRange(rule.Objects("toFQDNs").Select(f => CiliumPortValidator.ReadFqdn(f)));
            }
        }

        var toPorts = rule.Objects("toPorts").Select(r => CiliumPortValidator.ReadPortRule(r, section)).ToList();
        var icmps = rule.Objects("icmps").Select(CiliumPortValidator.ReadIcmpRule).ToList();
        AuthenticationMode? authentication = null;
        if (!section.Deny && rule.Object("authentication") is { } auth)
        {
            authentication = auth.Enum("mode", AuthenticationModes, required: true) switch
            {
                "disabled" => AuthenticationMode.Disabled,
                "required" => AuthenticationMode.Required,
                "test-always-fail" => AuthenticationMode.TestAlwaysFail,
                _ => null,
            };
        }

        // Cilium allows a single kind of L3 peer per rule (requires excepted): combining them is rejected.
        (string Field, int Count)[] peerKinds =
        [
            (p + "Endpoints", endpoints.Count), (p + "CIDR", cidrs.Count), (p + "CIDRSet", cidrSets.Count),
            (p + "Entities", entities.Count), (p + "Nodes", nodes.Count), ("toServices", services.Count),
            ("toFQDNs", fqdns.Count), ("toGroups", groups.Count),
        ];
        var present = peerKinds.Where(k => k.Count > 0).ToList();
        if (present.Count > 1)
        {
            rule.Error(present[1].Field, $"combining {present[0].Field} and {present[1].Field} is not supported; write them as separate rules");
        }

        if (toPorts.Count > 0 && icmps.Count > 0)
        {
            rule.Error("icmps", "icmps cannot be combined with toPorts in the same rule; write them as separate rules");
        }

        return new CiliumPeerRule
        {
            Endpoints = endpoints,
            Requires = requires,
            Entities = entities,
            Cidrs = cidrs,
            CidrSets = cidrSets,
            Nodes = nodes,
            Services = services,
            Fqdns = fqdns,
            Groups = groups,
            ToPorts = toPorts,
            Icmps = icmps,
            Authentication = authentication,
        };
    }

    private static CidrRule ReadCidrRule(ObjectReader set)
    {
        var cidr = CidrValues.Read(set, "cidr");
        var groupRef = set.String("cidrGroupRef", check: v => NameSyntax.Dns1123Subdomain(v) is { } p ? $"invalid cidrGroupRef: {p}" : null);
        if (set.Has("cidr") && groupRef is not null)
        {
            set.Error("cidrGroupRef", "cidr and cidrGroupRef cannot both be set");
        }
        else if (!set.Has("cidr") && !set.Has("cidrGroupRef"))
        {
            set.ErrorHere("one of cidr or cidrGroupRef is required");
        }

        return new CidrRule { Cidr = cidr, Except = CidrValues.ReadExcept(set, cidr), CidrGroupRef = groupRef };
    }

    private static ServiceSelector ReadServiceSelector(ObjectReader entry)
    {
        var byName = entry.Object("k8sService");
        var bySelector = entry.Object("k8sServiceSelector");
        if (byName is not null && bySelector is not null)
        {
            entry.Error("k8sServiceSelector", "k8sService and k8sServiceSelector cannot both be set");
        }
        else if (byName is null && bySelector is null)
        {
            entry.ErrorHere("one of k8sService or k8sServiceSelector is required");
        }

        if (byName is not null)
        {
            return new ServiceSelector
            {
                ServiceName = byName.String("serviceName", required: true, v => NameSyntax.Dns1035Label(v) is { } p ? $"invalid serviceName: {p}" : null),
                Namespace = byName.String("namespace", check: NamespaceReason),
            };
        }

        if (bySelector is not null)
        {
            return new ServiceSelector
            {
                Selector = bySelector.Object("selector", required: true) is { } selector ? SelectorValidator.Read(selector, cilium: false) : null,
                Namespace = bySelector.String("namespace", check: NamespaceReason),
            };
        }

        return new ServiceSelector();
    }

    private static AwsGroup ReadGroup(ObjectReader entry)
    {
        if (entry.Object("aws", required: true) is not { } aws)
        {
            return new AwsGroup();
        }

        return new AwsGroup
        {
            Labels = aws.StringMap("labels"),
            SecurityGroupsIds = aws.Strings("securityGroupsIds"),
            SecurityGroupsNames = aws.Strings("securityGroupsNames"),
            Region = aws.String("region"),
        };
    }

    private static string? NamespaceReason(string value) =>
        NameSyntax.Dns1123Label(value) is { } problem ? $"invalid namespace: {problem}" : null;
}
