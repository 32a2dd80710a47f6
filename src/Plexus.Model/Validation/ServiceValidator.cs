namespace Plexus.Model;

/// <summary>Reads and checks the spec and status of a <c>v1</c> Service.</summary>
internal static class ServiceValidator
{
    private const string ExternalNameUnsupported = "ExternalName Services are not supported by Plexus";
    private static readonly string[] Types = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
    private static readonly string[] Affinities = ["None", "ClientIP"];
    private static readonly string[] TrafficPolicies = ["Cluster", "Local"];
    private static readonly string[] Families = ["IPv4", "IPv6"];
    private static readonly string[] FamilyPolicies = ["SingleStack", "PreferDualStack", "RequireDualStack"];
    private static readonly string[] IpModes = ["VIP", "Proxy"];

    /// <summary>Reads <c>spec</c> and <c>status</c> of <paramref name="root"/>.</summary>
    public static (ServiceSpec Spec, ServiceStatus Status) Read(ObjectReader root)
    {
        var spec = root.Object("spec", required: true) is { } s ? ReadSpec(s) : new ServiceSpec();
        var status = root.Object("status") is { } st ? ReadStatus(st) : ServiceStatus.Empty;
        return (spec, status);
    }

    private static ServiceSpec ReadSpec(ObjectReader s)
    {
        var typeText = s.Enum("type", Types);
        if (typeText == "ExternalName")
        {
            s.Error("type", ExternalNameUnsupported);
        }

        if (s.Has("externalName"))
        {
            s.Error("externalName", ExternalNameUnsupported);
        }

        var type = typeText switch
        {
            "NodePort" => ServiceType.NodePort,
            "LoadBalancer" => ServiceType.LoadBalancer,
            _ => ServiceType.ClusterIP,
        };
        var external = type != ServiceType.ClusterIP;

        var selector = s.StringMap("selector", LabelSyntax.KeyError, LabelSyntax.ValueError);
        var ports = s.Objects("ports").Select(p => (Reader: p, Port: ReadPort(p, type))).ToList();

        var clusterIP = s.String("clusterIP", check: v => v is "" or "None" ? null : IpText.AddressError(v));
        var clusterIPs = s.StringItems("clusterIPs", v => v == "None" ? null : IpText.AddressError(v));
        var headless = clusterIP == "None" || clusterIPs.FirstOrDefault()?.Value == "None";
        CheckClusterIPs(s, clusterIP, clusterIPs);
        if (headless && external)
        {
            s.Error(clusterIP == "None" ? "clusterIP" : "clusterIPs", $"a headless Service (clusterIP: None) must have type ClusterIP, not {typeText}");
        }

        if (ports.Count == 0 && !headless)
        {
            s.Error("ports", "at least one port is required (only headless Services may have none)");
        }

        CheckPortSet(ports);

        var affinity = s.Enum("sessionAffinity", Affinities) == "ClientIP" ? SessionAffinity.ClientIP : SessionAffinity.None;
        int? timeout = null;
        if (s.Object("sessionAffinityConfig") is { } affinityConfig)
        {
            if (affinityConfig.Object("clientIP") is { } clientIP)
            {
                timeout = clientIP.Int("timeoutSeconds", min: 1, max: 86400);
            }

            if (affinity != SessionAffinity.ClientIP)
            {
                s.Error("sessionAffinityConfig", "sessionAffinityConfig is only allowed with sessionAffinity: ClientIP");
            }
        }

        var loadBalancerIP = s.String("loadBalancerIP", check: IpText.AddressError);
        var sourceRanges = CidrValues.ReadList(s, "loadBalancerSourceRanges");
        if (s.Has("loadBalancerSourceRanges") && type != ServiceType.LoadBalancer)
        {
            s.Error("loadBalancerSourceRanges", "loadBalancerSourceRanges is only allowed for type LoadBalancer");
        }

        var loadBalancerClass = s.String("loadBalancerClass", check: v => NameSyntax.QualifiedName(v) is { } p ? $"invalid loadBalancerClass \"{v}\": {p}" : null);
        if (loadBalancerClass is not null && type != ServiceType.LoadBalancer)
        {
            s.Error("loadBalancerClass", "loadBalancerClass is only allowed for type LoadBalancer");
        }

        var externalIPs = s.Strings("externalIPs", IpText.AddressError);
        var externalPolicy = s.Enum("externalTrafficPolicy", TrafficPolicies);
        if (externalPolicy is not null && !external && externalIPs.Count == 0)
        {
            s.Error("externalTrafficPolicy", "externalTrafficPolicy is only allowed for NodePort or LoadBalancer Services, or Services with externalIPs");
        }

        var internalPolicy = s.Enum("internalTrafficPolicy", TrafficPolicies);
        var families = ReadFamilies(s);
        var familyPolicy = s.Enum("ipFamilyPolicy", FamilyPolicies) switch
        {
            "SingleStack" => IpFamilyPolicy.SingleStack,
            "PreferDualStack" => IpFamilyPolicy.PreferDualStack,
            "RequireDualStack" => IpFamilyPolicy.RequireDualStack,
            _ => (IpFamilyPolicy?)null,
        };
        if (familyPolicy == IpFamilyPolicy.SingleStack && families.Count > 1)
        {
            s.Error("ipFamilies", "ipFamilyPolicy SingleStack allows only one IP family");
        }

        var publishNotReady = s.Bool("publishNotReadyAddresses") ?? false;
        var allocateNodePorts = s.Bool("allocateLoadBalancerNodePorts");
        if (allocateNodePorts is not null && type != ServiceType.LoadBalancer)
        {
            s.Error("allocateLoadBalancerNodePorts", "allocateLoadBalancerNodePorts is only allowed for type LoadBalancer");
        }

        var healthCheckNodePort = s.Int("healthCheckNodePort", min: 1, max: 65535);
        if (healthCheckNodePort is not null && (type != ServiceType.LoadBalancer || externalPolicy != "Local"))
        {
            s.Error("healthCheckNodePort", "healthCheckNodePort is only allowed for type LoadBalancer with externalTrafficPolicy: Local");
        }

        return new ServiceSpec
        {
            Type = type,
            Selector = selector,
            Ports = [.. ports.Select(p => p.Port)],
            ClusterIP = string.IsNullOrEmpty(clusterIP) ? null : clusterIP,
            ClusterIPs = [.. clusterIPs.Select(i => i.Value)],
            SessionAffinity = affinity,
            SessionAffinityTimeoutSeconds = timeout,
            LoadBalancerIP = loadBalancerIP,
            LoadBalancerSourceRanges = sourceRanges,
            LoadBalancerClass = loadBalancerClass,
            ExternalTrafficPolicy = externalPolicy == "Local" ? TrafficPolicy.Local : TrafficPolicy.Cluster,
            InternalTrafficPolicy = internalPolicy == "Local" ? TrafficPolicy.Local : TrafficPolicy.Cluster,
            IpFamilies = families,
            IpFamilyPolicy = familyPolicy,
            ExternalIPs = externalIPs,
            PublishNotReadyAddresses = publishNotReady,
            AllocateLoadBalancerNodePorts = allocateNodePorts,
            HealthCheckNodePort = healthCheckNodePort,
        };
    }

    private static ServicePort ReadPort(ObjectReader p, ServiceType type)
    {
        var name = p.String("name", check: v => NameSyntax.Dns1123Label(v) is { } problem ? $"invalid port name: {problem}" : null);
        var protocol = PortValues.Protocol(p.Enum("protocol", PortValues.KubernetesProtocols)) ?? PortProtocol.Tcp;
        var port = p.Int("port", required: true, min: 1, max: 65535);
        var targetPort = PortValues.Read(p, "targetPort", cilium: false);
        var nodePort = p.Int("nodePort", min: 30000, max: 32767);
        if (nodePort is not null && type == ServiceType.ClusterIP)
        {
            p.Error("nodePort", "nodePort is only allowed for type NodePort or LoadBalancer");
        }

        var appProtocol = p.String("appProtocol", check: v => NameSyntax.QualifiedName(v) is { } problem ? $"invalid appProtocol \"{v}\": {problem}" : null);
        return new ServicePort
        {
            Name = name,
            Protocol = protocol,
            Port = port ?? 0,
            TargetPort = targetPort ?? PortRef.FromNumber(port ?? 1),
            NodePort = nodePort,
            AppProtocol = appProtocol,
        };
    }

    private static void CheckPortSet(List<(ObjectReader Reader, ServicePort Port)> ports)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var numbers = new HashSet<(int, PortProtocol)>();
        var nodePorts = new HashSet<(int, PortProtocol)>();
        foreach (var (reader, port) in ports)
        {
            if (port.Name is null && ports.Count > 1)
            {
                reader.Error("name", "port name is required when the Service has more than one port");
            }
            else if (port.Name is not null && !names.Add(port.Name))
            {
                reader.Error("name", $"duplicate port name \"{port.Name}\"");
            }

            if (port.Port != 0 && !numbers.Add((port.Port, port.Protocol)))
            {
                reader.Error("port", $"duplicate port {port.Port}/{port.Protocol.ToString().ToUpperInvariant()}");
            }

            if (port.NodePort is { } nodePort && !nodePorts.Add((nodePort, port.Protocol)))
            {
                reader.Error("nodePort", $"duplicate nodePort {nodePort}/{port.Protocol.ToString().ToUpperInvariant()}");
            }
        }
    }

    private static void CheckClusterIPs(ObjectReader s, string? clusterIP, IReadOnlyList<StringItem> clusterIPs)
    {
        if (clusterIPs.Count > 2)
        {
            s.Error("clusterIPs", "at most two cluster IPs (one per family) may be given");
            return;
        }

        if (clusterIPs.Count > 0 && !string.IsNullOrEmpty(clusterIP) && clusterIPs[0].Value != clusterIP)
        {
            s.Scope.Error(clusterIPs[0].Path, clusterIPs[0].Node, $"must equal clusterIP \"{clusterIP}\"");
        }

        if (clusterIPs.Count == 2)
        {
            if (clusterIPs.Any(i => i.Value == "None"))
            {
                s.Error("clusterIPs", "a headless Service has a single cluster IP \"None\"");
            }
            else if (clusterIPs[0].Value.Contains(':', StringComparison.Ordinal) == clusterIPs[1].Value.Contains(':', StringComparison.Ordinal))
            {
                s.Scope.Error(clusterIPs[1].Path, clusterIPs[1].Node, "dual-stack cluster IPs must be one IPv4 and one IPv6 address");
            }
        }
    }

    private static List<IpFamily> ReadFamilies(ObjectReader s)
    {
        var families = new List<IpFamily>();
        foreach (var item in s.StringItems("ipFamilies", v => ObjectReader.EnumReason(v, Families)))
        {
            IpFamily? family = item.Value switch
            {
                "IPv4" => IpFamily.IPv4,
                "IPv6" => IpFamily.IPv6,
                _ => null,
            };
            if (family is not { } valid)
            {
                continue;
            }

            if (families.Contains(valid))
            {
                s.Scope.Error(item.Path, item.Node, $"duplicate IP family \"{item.Value}\"");
                continue;
            }

            families.Add(valid);
        }

        return families;
    }

    private static ServiceStatus ReadStatus(ObjectReader status)
    {
        if (status.Object("loadBalancer") is not { } loadBalancer)
        {
            return ServiceStatus.Empty;
        }

        return new ServiceStatus
        {
            LoadBalancerIngress =
            [
                .. loadBalancer.Objects("ingress").Select(i => new LoadBalancerIngress
                {
                    Ip = i.String("ip", check: IpText.AddressError),
                    Hostname = i.String("hostname", check: v => NameSyntax.Dns1123Subdomain(v) is { } p ? $"invalid hostname: {p}" : null),
                    IpMode = i.Enum("ipMode", IpModes),
                }),
            ],
        };
    }
}
