namespace Plexus.Model.Tests;

/// <summary>Valid Cilium policies: every field lands in the typed model.</summary>
public class CiliumPolicyTests
{
    private const string RichPolicy = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata:
          name: everything
          namespace: shop
          labels: {app.kubernetes.io/part-of: shop}
          annotations: {example.com/owner: "team-a"}
        spec:
          description: Every field of a rule
          endpointSelector:
            matchLabels:
              app: api
              k8s:io.kubernetes.pod.namespace: shop
            matchExpressions:
            - {key: io.cilium.k8s.namespace.labels.team, operator: In, values: [a, b]}
            - {key: any:tier, operator: Exists}
          labels:
          - {key: rule, value: all-fields, source: user}
          enableDefaultDeny: {ingress: true, egress: false}
          ingress:
          - fromEndpoints:
            - matchLabels: {app: web}
            - {}
            fromRequires:
            - matchLabels: {env: prod}
            toPorts:
            - ports:
              - {port: "80", protocol: TCP}
              - {port: 8080, endPort: 8090, protocol: TCP}
              - {port: http-alt}
              rules:
                http:
                - method: GET|HEAD
                  path: /api/v[12]/.*
                  host: ^shop\.example\.com$
                  headers: ["X-Request-Id"]
                  headerMatches:
                  - {name: X-Token, value: abc, mismatch: LOG}
                  - name: X-Secret
                    secret: {namespace: shop, name: token}
              serverNames: [shop.example.com, "*.shop.example.com"]
              terminatingTLS:
                secret: {namespace: shop, name: tls}
                certificate: tls.crt
                privateKey: tls.key
              originatingTLS:
                secret: {name: ca}
                trustedCA: ca.crt
              listener:
                envoyConfig: {kind: CiliumEnvoyConfig, name: shop-envoy}
                name: shop-listener
                priority: 10
            authentication: {mode: required}
          - fromEntities: [cluster, host, remote-node, world-ipv4, kube-apiserver, ingress, health, init, unmanaged, all, world, world-ipv6]
          - fromCIDR: [10.0.0.0/8, "2001:db8::/32"]
          - fromCIDRSet:
            - {cidr: 192.168.0.0/16, except: [192.168.1.0/24]}
            - {cidrGroupRef: office-ranges}
          - fromNodes:
            - matchLabels: {node-role.kubernetes.io/control-plane: ""}
          - icmps:
            - fields:
              - {type: 8, family: IPv4}
              - {type: EchoRequest, family: IPv6}
              - {type: DestinationUnreachable}
          ingressDeny:
          - fromEntities: [world]
            toPorts:
            - ports: [{port: "22", protocol: TCP}]
          egress:
          - toEndpoints:
            - matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}
            toPorts:
            - ports: [{port: "53", protocol: ANY}]
              rules:
                dns:
                - matchPattern: "*.example.com"
                - matchName: example.org
          - toFQDNs:
            - matchName: api.example.com
            - matchPattern: "*.cdn.example.com"
            toPorts:
            - ports: [{port: "443"}]
          - toServices:
            - k8sService: {serviceName: db, namespace: data}
            - k8sServiceSelector:
                selector: {matchLabels: {tier: cache}}
                namespace: data
          - toGroups:
            - aws:
                labels: {Name: gw}
                securityGroupsIds: [sg-1]
                securityGroupsNames: [web]
                region: eu-west-1
          - toNodes: [{}]
          - toCIDRSet: [{cidr: 0.0.0.0/0, except: [10.0.0.0/8]}]
          - toEntities: [world]
            toRequires: [{matchLabels: {env: prod}}]
            icmps: [{fields: [{type: 0}]}]
          egressDeny:
          - toCIDR: [169.254.169.254/32]
          - toPorts:
            - ports: [{port: "25"}, {port: "0465", protocol: SCTP}, {protocol: ICMP}, {port: "7", protocol: ICMPV6}, {port: "9", protocol: UDP}]
        """;

    [Fact]
    public void Rich_policy_with_every_field_parses_into_the_model()
    {
        var policy = Manifest.Single<CiliumNetworkPolicyResource>(RichPolicy);

        Assert.False(policy.IsClusterwide);
        Assert.Equal("shop", policy.Metadata.Namespace);
        var rule = Assert.Single(policy.Rules);
        Assert.Equal("Every field of a rule", rule.Description);
        Assert.Equal("shop", rule.EndpointSelector!.MatchLabels["k8s:io.kubernetes.pod.namespace"]);
        Assert.Equal(SelectorOperator.Exists, rule.EndpointSelector.MatchExpressions[1].Operator);
        Assert.Equal(new RuleLabel("rule", "all-fields", "user"), Assert.Single(rule.Labels));
        Assert.Equal((true, false), (rule.EnableDefaultDenyIngress, rule.EnableDefaultDenyEgress));

        Assert.Equal(6, rule.Ingress.Count);
        var l7 = rule.Ingress[0];
        Assert.Equal(2, l7.Endpoints.Count);
        Assert.True(l7.Endpoints[1].IsEmpty);
        Assert.Equal("prod", l7.Requires[0].MatchLabels["env"]);
        var portRule = Assert.Single(l7.ToPorts);
        Assert.Equal([80, 8080, null], portRule.Ports.Select(p => p.Port!.Number));
        Assert.Equal(8090, portRule.Ports[1].EndPort);
        Assert.Equal("http-alt", portRule.Ports[2].Port!.Name);
        Assert.Equal(PortProtocol.Any, portRule.Ports[2].Protocol);
        var http = Assert.Single(portRule.Rules!.Http);
        Assert.Equal(("GET|HEAD", "/api/v[12]/.*", @"^shop\.example\.com$"), (http.Method, http.Path, http.Host));
        Assert.Equal(HeaderMismatchAction.Log, http.HeaderMatches[0].Mismatch);
        Assert.Equal(new SecretReference("shop", "token"), http.HeaderMatches[1].Secret);
        Assert.Equal(2, portRule.ServerNames.Count);
        Assert.Equal("tls.key", portRule.TerminatingTls!.PrivateKey);
        Assert.Equal("ca.crt", portRule.OriginatingTls!.TrustedCA);
        Assert.Equal(("CiliumEnvoyConfig", "shop-envoy", "shop-listener", 10), (portRule.Listener!.EnvoyConfigKind, portRule.Listener.EnvoyConfigName, portRule.Listener.Name, portRule.Listener.Priority));
        Assert.Equal(AuthenticationMode.Required, l7.Authentication);

        Assert.Equal(12, rule.Ingress[1].Entities.Count);
        Assert.Contains(CiliumEntity.KubeApiserver, rule.Ingress[1].Entities);
        Assert.Equal([Cidr.Parse("10.0.0.0/8"), Cidr.Parse("2001:db8::/32")], rule.Ingress[2].Cidrs);
        Assert.Equal(Cidr.Parse("192.168.1.0/24"), rule.Ingress[3].CidrSets[0].Except[0]);
        Assert.Equal("office-ranges", rule.Ingress[3].CidrSets[1].CidrGroupRef);
        Assert.Single(rule.Ingress[4].Nodes);
        Assert.Equal([new IcmpField(IpFamily.IPv4, 8), new IcmpField(IpFamily.IPv6, 128), new IcmpField(IpFamily.IPv4, 3)], rule.Ingress[5].Icmps[0].Fields);

        Assert.Equal(CiliumEntity.World, Assert.Single(Assert.Single(rule.IngressDeny).Entities));

        Assert.Equal(7, rule.Egress.Count);
        Assert.Equal([new FqdnSelector(null, "*.example.com"), new FqdnSelector("example.org", null)], rule.Egress[0].ToPorts[0].Rules!.Dns);
        Assert.Equal(2, rule.Egress[1].Fqdns.Count);
        Assert.Equal(("db", "data"), (rule.Egress[2].Services[0].ServiceName, rule.Egress[2].Services[0].Namespace));
        Assert.Equal("cache", rule.Egress[2].Services[1].Selector!.MatchLabels["tier"]);
        Assert.Equal("eu-west-1", rule.Egress[3].Groups[0].Region);
        Assert.True(rule.Egress[4].Nodes[0].IsEmpty);
        Assert.Equal(Cidr.Parse("10.0.0.0/8"), rule.Egress[5].CidrSets[0].Except[0]);
        Assert.Single(rule.Egress[6].Requires);

        var denyPorts = rule.EgressDeny[1].ToPorts[0].Ports;
        Assert.Equal([PortProtocol.Any, PortProtocol.Sctp, PortProtocol.Icmp, PortProtocol.IcmpV6, PortProtocol.Udp], denyPorts.Select(p => p.Protocol));
        Assert.Null(denyPorts[2].Port);
        Assert.Equal(465, denyPorts[1].Port!.Number);
    }

    [Fact]
    public void Rich_policy_survives_a_round_trip_through_its_stored_json()
    {
        var original = Manifest.Single<CiliumNetworkPolicyResource>(RichPolicy);

        var decoded = Manifest.Single<CiliumNetworkPolicyResource>(original.ToJsonString());

        Assert.Equal(original, decoded);
        Assert.Equal(original.ToJsonString(), decoded.ToJsonString());
    }

    [Fact]
    public void Clusterwide_policy_with_specs_and_a_node_selector()
    {
        const string yaml = """
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata:
              name: host-firewall
            specs:
            - nodeSelector:
                matchLabels: {node-role.kubernetes.io/worker: ""}
              ingress:
              - fromEntities: [cluster]
              - toPorts: [{ports: [{port: "22", protocol: TCP}]}]
            - endpointSelector: {matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system}}
              egressDeny:
              - toEntities: [world]
            """;

        var policy = Manifest.Single<CiliumNetworkPolicyResource>(yaml);

        Assert.True(policy.IsClusterwide);
        Assert.Null(policy.Metadata.Namespace);
        Assert.Equal(2, policy.Rules.Count);
        Assert.True(policy.Rules[0].SelectsNodes);
        Assert.True(policy.Rules[0].HasIngress);
        Assert.False(policy.Rules[0].HasEgress);
        Assert.True(policy.Rules[1].HasEgress);
        Assert.Equal("CiliumClusterwideNetworkPolicy host-firewall", policy.ToString());
        Assert.Equal("plexus/resources/ciliumclusterwidenetworkpolicies/_/host-firewall", policy.Key.StoreKey);
    }

    [Fact]
    public void Spec_and_specs_together_are_merged_in_order()
    {
        const string yaml = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: p}
            spec: {endpointSelector: {matchLabels: {app: a}}}
            specs:
            - endpointSelector: {matchLabels: {app: b}}
            """;

        var policy = Manifest.Single<CiliumNetworkPolicyResource>(yaml);

        Assert.Equal(["a", "b"], policy.Rules.Select(r => r.Subject.MatchLabels["app"]));
    }

    [Fact]
    public void Cilium_identity_label_keys_are_accepted()
    {
        const string yaml = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: p, namespace: x}
            spec:
              endpointSelector:
                matchLabels:
                  k8s:io.kubernetes.pod.namespace: x
                  io.cilium.k8s.namespace.labels.team: blue
                  k8s:io.cilium.k8s.policy.serviceaccount: api
                  io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name: x
                  reserved:host: ""
                  cidr:10.0.0.0/8: ""
            """;

        var policy = Manifest.Single<CiliumNetworkPolicyResource>(yaml);

        Assert.Equal(6, policy.Rules[0].EndpointSelector!.MatchLabels.Count);
    }

    [Fact]
    public void Deny_section_port_rules_without_l7_are_accepted()
    {
        const string yaml = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: p}
            spec:
              endpointSelector: {}
              egressDeny:
              - toEndpoints: [{matchLabels: {app: db}}]
                toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
                icmps: []
            """;

        var rule = Manifest.Single<CiliumNetworkPolicyResource>(yaml).Rules[0];

        Assert.Equal(5432, rule.EgressDeny[0].ToPorts[0].Ports[0].Port!.Number);
    }

    [Fact]
    public void Equal_documents_give_equal_rules()
    {
        var a = Manifest.Single<CiliumNetworkPolicyResource>(RichPolicy);
        var b = Manifest.Single<CiliumNetworkPolicyResource>(RichPolicy);

        Assert.Equal(a, b);
        Assert.Equal(a.Rules[0], b.Rules[0]);
        Assert.Equal(a.Rules[0].GetHashCode(), b.Rules[0].GetHashCode());
        Assert.Equal(a.Rules[0].Ingress[0].Endpoints[0], new LabelSelector(new Dictionary<string, string> { ["app"] = "web" }));
    }
}
