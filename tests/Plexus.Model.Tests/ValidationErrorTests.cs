namespace Plexus.Model.Tests;

/// <summary>One manifest per kind of mistake: each must be reported at the right path with a helpful reason.</summary>
public class ValidationErrorTests
{
    private const string CnpHeader = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata:
          name: p
        """;

    private const string NpHeader = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: p
        """;

    private const string SvcHeader = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        """;

    /// <summary>Name, manifest, expected path, expected reason fragment, expected error count.</summary>
    public static TheoryData<string, string, string, string, int> Mistakes => new()
    {
        {
            "unknown field suggests the closest name", Cnp("""
              endpointSelector: {}
              ingress:
              - fromEndpoint:
                - matchLabels: {app: client}
            """), "spec.ingress[0].fromEndpoint", "unknown field \"fromEndpoint\"; did you mean \"fromEndpoints\"?", 1
        },
        {
            "misspelt endpointSelector is unknown and leaves the rule without subject", Cnp("""
              endpointSelecter: {}
            """), "spec.endpointSelecter", "unknown field \"endpointSelecter\"; did you mean \"endpointSelector\"?", 2
        },
        {
            "unknown field in metadata", """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: x
              lables: {team: a}
            """, "metadata.lables", "did you mean \"labels\"?", 1
        },
        {
            "duplicate field", Cnp("""
              endpointSelector: {}
              endpointSelector: {}
            """), "spec.endpointSelector", "duplicate field \"endpointSelector\"", 1
        },
        {
            "bad selector operator", Cnp("""
              endpointSelector: {}
              ingress:
              - fromEndpoints:
                - matchExpressions:
                  - {key: app, operator: In, values: [a]}
                  - {key: tier, operator: Inn, values: [b]}
            """), "spec.ingress[0].fromEndpoints[0].matchExpressions[1].operator", "unsupported value \"Inn\"; did you mean \"In\"?", 1
        },
        {
            "In without values", Cnp("""
              endpointSelector:
                matchExpressions:
                - {key: app, operator: In, values: []}
            """), "spec.endpointSelector.matchExpressions[0].values", "operator In needs at least one value", 1
        },
        {
            "Exists with values", Np("""
              podSelector:
                matchExpressions:
                - {key: app, operator: Exists, values: [a]}
            """), "spec.podSelector.matchExpressions[0].values", "operator Exists takes no values", 1
        },
        {
            "bad label key", Cnp("""
              endpointSelector:
                matchLabels:
                  -app: web
            """), "spec.endpointSelector.matchLabels.-app", "invalid label key \"-app\"", 1
        },
        {
            "label key name part too long", Np("""
              podSelector:
                matchLabels:
                  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: x
            """), "spec.podSelector.matchLabels.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "must be no more than 63 characters", 1
        },
        {
            "source prefix in a Kubernetes selector", Np("""
              podSelector:
                matchLabels:
                  k8s:app: web
            """), "spec.podSelector.matchLabels[\"k8s:app\"]", "invalid label key \"k8s:app\"", 1
        },
        {
            "unknown source prefix in a Cilium selector", Cnp("""
              endpointSelector:
                matchLabels:
                  k8z:app: web
            """), "spec.endpointSelector.matchLabels[\"k8z:app\"]", "unknown source \"k8z\"; did you mean \"k8s\"?", 1
        },
        {
            "unknown reserved label", Cnp("""
              endpointSelector:
                matchLabels:
                  reserved:hots: ""
            """), "spec.endpointSelector.matchLabels[\"reserved:hots\"]", "did you mean \"host\"?", 1
        },
        {
            "bad label value", Np("""
              podSelector:
                matchLabels:
                  app: "web!"
            """), "spec.podSelector.matchLabels.app", "invalid label value \"web!\"", 1
        },
        {
            "label value written as a number", """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: x
              labels:
                version: 1
            """, "metadata.labels.version", "expected a string, got integer 1 (quote it: \"1\")", 1
        },
        {
            "except outside cidr in a CNP", Cnp("""
              endpointSelector: {}
              egress:
              - toCIDRSet:
                - cidr: 10.0.0.0/8
                  except: [192.168.0.0/16]
            """), "spec.egress[0].toCIDRSet[0].except[0]", "must be a strict subset of cidr \"10.0.0.0/8\"", 1
        },
        {
            "except outside cidr in a NetworkPolicy", Np("""
              podSelector: {}
              egress:
              - to:
                - ipBlock:
                    cidr: 10.0.0.0/16
                    except: [10.1.0.0/24]
            """), "spec.egress[0].to[0].ipBlock.except[0]", "must be a strict subset of cidr \"10.0.0.0/16\"", 1
        },
        {
            "except equal to cidr", Np("""
              podSelector: {}
              ingress:
              - from:
                - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.0/16]}
            """), "spec.ingress[0].from[0].ipBlock.except[0]", "strict subset", 1
        },
        {
            "except of another family", Np("""
              podSelector: {}
              ingress:
              - from:
                - ipBlock: {cidr: 10.0.0.0/8, except: ["2001:db8::/64"]}
            """), "spec.ingress[0].from[0].ipBlock.except[0]", "not of the same IP family", 1
        },
        {
            "endPort below port", Np("""
              podSelector: {}
              ingress:
              - ports:
                - {port: 80, endPort: 79}
            """), "spec.ingress[0].ports[0].endPort", "endPort (79) must be greater than or equal to port (80)", 1
        },
        {
            "endPort with a named port", Np("""
              podSelector: {}
              ingress:
              - ports:
                - {port: http, endPort: 90}
            """), "spec.ingress[0].ports[0].endPort", "endPort cannot be used with a named port", 1
        },
        {
            "endPort without port", Np("""
              podSelector: {}
              egress:
              - ports:
                - {protocol: UDP, endPort: 90}
            """), "spec.egress[0].ports[0].endPort", "endPort requires port", 1
        },
        {
            "endPort below port in a CNP", Cnp("""
              endpointSelector: {}
              ingress:
              - toPorts:
                - ports:
                  - {port: "8080", endPort: 80}
            """), "spec.ingress[0].toPorts[0].ports[0].endPort", "must be greater than or equal to port (8080)", 1
        },
        {
            "port 0", Np("""
              podSelector: {}
              ingress:
              - ports:
                - port: 0
            """), "spec.ingress[0].ports[0].port", "port must be between 1 and 65535, got 0", 1
        },
        {
            "port 70000", Cnp("""
              endpointSelector: {}
              ingress:
              - toPorts:
                - ports:
                  - port: "70000"
            """), "spec.ingress[0].toPorts[0].ports[0].port", "port must be between 1 and 65535, got 70000", 1
        },
        {
            "quoted number as a NetworkPolicy port", Np("""
              podSelector: {}
              ingress:
              - ports:
                - port: "80"
            """), "spec.ingress[0].ports[0].port", "write a port number without quotes", 1
        },
        {
            "bad named port", Np("""
              podSelector: {}
              ingress:
              - ports:
                - port: Serve_80
            """), "spec.ingress[0].ports[0].port", "invalid port name \"Serve_80\"", 1
        },
        {
            "named port too long", Cnp("""
              endpointSelector: {}
              ingress:
              - toPorts:
                - ports:
                  - port: this-name-is-far-too-long
            """), "spec.ingress[0].toPorts[0].ports[0].port", "must be no more than 15 characters", 1
        },
        {
            "unknown protocol in a CNP", Cnp("""
              endpointSelector: {}
              ingress:
              - toPorts:
                - ports:
                  - {port: "80", protocol: TPC}
            """), "spec.ingress[0].toPorts[0].ports[0].protocol", "unsupported value \"TPC\"; did you mean \"TCP\"?", 1
        },
        {
            "protocol not allowed in a NetworkPolicy", Np("""
              podSelector: {}
              ingress:
              - ports:
                - {port: 80, protocol: ICMP}
            """), "spec.ingress[0].ports[0].protocol", "must be one of TCP, UDP, SCTP", 1
        },
        {
            "unknown entity", Cnp("""
              endpointSelector: {}
              egress:
              - toEntities: [wrld]
            """), "spec.egress[0].toEntities[0]", "unknown entity \"wrld\"; did you mean \"world\"?", 1
        },
        {
            "missing metadata.name", """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata:
              namespace: x
            spec:
              endpointSelector: {}
            """, "metadata.name", "required field is missing", 1
        },
        {
            "missing metadata", """
            apiVersion: v1
            kind: Namespace
            """, "metadata", "required field is missing", 1
        },
        {
            "namespace on a cluster-scoped kind", """
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata:
              name: p
              namespace: x
            spec:
              endpointSelector: {}
            """, "metadata.namespace", "CiliumClusterwideNetworkPolicy is cluster-scoped: metadata.namespace must not be set", 1
        },
        {
            "bad namespace name", """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: Team_A
            """, "metadata.name", "not a valid RFC 1123 label", 1
        },
        {
            "bad service name", """
            apiVersion: v1
            kind: Service
            metadata:
              name: 1web
            spec:
              ports: [{port: 80}]
            """, "metadata.name", "not a valid RFC 1035 label", 1
        },
        { "CIDR with a bad octet", CidrPolicy("10.0.0.256/8"), "spec.egress[0].toCIDR[0]", "invalid CIDR \"10.0.0.256/8\": octet 256 is out of range 0-255", 1 },
        { "CIDR with a too long prefix", CidrPolicy("10.0.0.0/33"), "spec.egress[0].toCIDR[0]", "invalid CIDR \"10.0.0.0/33\": prefix length must be a number between 0 and 32", 1 },
        { "CIDR without prefix", CidrPolicy("10.0.0.1"), "spec.egress[0].toCIDR[0]", "invalid CIDR \"10.0.0.1\": missing prefix length", 1 },
        { "CIDR with three octets", CidrPolicy("10.0.0/8"), "spec.egress[0].toCIDR[0]", "needs 4 octets", 1 },
        { "IPv6 CIDR with a too long prefix", CidrPolicy("\"2001:db8::/129\""), "spec.egress[0].toCIDR[0]", "between 0 and 128", 1 },
        { "CIDR that is a word", CidrPolicy("internet"), "spec.egress[0].toCIDR[0]", "invalid CIDR \"internet\"", 1 },
        {
            "bad ipBlock CIDR", Np("""
              podSelector: {}
              ingress:
              - from:
                - ipBlock: {cidr: 300.0.0.0/8}
            """), "spec.ingress[0].from[0].ipBlock.cidr", "invalid CIDR \"300.0.0.0/8\"", 1
        },
        {
            "wrong apiVersion", """
            apiVersion: cilium.io/v1
            kind: CiliumNetworkPolicy
            metadata:
              name: p
            spec:
              endpointSelector: {}
            """, "apiVersion", "apiVersion \"cilium.io/v1\" is not served for kind CiliumNetworkPolicy; use \"cilium.io/v2\"", 1
        },
        {
            "unknown kind", """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicyy
            metadata:
              name: p
            """, "kind", "unknown kind \"CiliumNetworkPolicyy\"; did you mean \"CiliumNetworkPolicy\"?", 1
        },
        {
            "missing kind", """
            apiVersion: v1
            metadata:
              name: p
            """, "kind", "required field is missing", 1
        },
        {
            "both endpointSelector and nodeSelector", """
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata:
              name: p
            spec:
              endpointSelector: {}
              nodeSelector: {}
            """, "spec.nodeSelector", "endpointSelector and nodeSelector cannot both be set", 1
        },
        {
            "neither endpointSelector nor nodeSelector", Cnp("""
              description: no subject
            """), "spec", "one of endpointSelector or nodeSelector is required", 1
        },
        {
            "nodeSelector in a namespaced policy", Cnp("""
              nodeSelector: {}
            """), "spec.nodeSelector", "only allowed in a CiliumClusterwideNetworkPolicy", 1
        },
        {
            "spec and specs both missing", """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata:
              name: p
            """, "spec", "needs spec or specs", 1
        },
        {
            "L7 rules in a deny section", Cnp("""
              endpointSelector: {}
              ingressDeny:
              - fromEntities: [world]
                toPorts:
                - ports: [{port: "80", protocol: TCP}]
                  rules:
                    http: [{method: GET}]
            """), "spec.ingressDeny[0].toPorts[0].rules", "deny rules match on L3/L4 only and cannot carry L7 rules", 1
        },
        {
            "combining toEndpoints and toCIDR", Cnp("""
              endpointSelector: {}
              egress:
              - toEndpoints: [{}]
                toCIDR: [10.0.0.0/8]
            """), "spec.egress[0].toCIDR", "combining toEndpoints and toCIDR is not supported", 1
        },
        {
            "combining fromEntities and fromCIDRSet", Cnp("""
              endpointSelector: {}
              ingress:
              - fromCIDRSet: [{cidr: 10.0.0.0/8}]
                fromEntities: [cluster]
            """), "spec.ingress[0].fromEntities", "combining fromCIDRSet and fromEntities is not supported", 1
        },
        {
            "toFQDNs in egressDeny", Cnp("""
              endpointSelector: {}
              egressDeny:
              - toFQDNs: [{matchName: example.com}]
            """), "spec.egressDeny[0].toFQDNs", "not supported in egressDeny", 1
        },
        {
            "DNS rules on ingress", Cnp("""
              endpointSelector: {}
              ingress:
              - toPorts:
                - ports: [{port: "53", protocol: UDP}]
                  rules:
                    dns: [{matchPattern: "*"}]
            """), "spec.ingress[0].toPorts[0].rules.dns", "DNS rules are only supported in egress rules", 1
        },
        {
            "HTTP rules on a UDP port", Cnp("""
              endpointSelector: {}
              ingress:
              - toPorts:
                - ports: [{port: "80", protocol: UDP}]
                  rules:
                    http: [{path: /}]
            """), "spec.ingress[0].toPorts[0].rules.http", "HTTP rules need ports with protocol TCP or ANY", 1
        },
        {
            "icmps together with toPorts", Cnp("""
              endpointSelector: {}
              ingress:
              - toPorts: [{ports: [{port: "80"}]}]
                icmps: [{fields: [{type: 8}]}]
            """), "spec.ingress[0].icmps", "icmps cannot be combined with toPorts", 1
        },
        {
            "bad HTTP path regex", Cnp("""
              endpointSelector: {}
              ingress:
              - toPorts:
                - ports: [{port: "80", protocol: TCP}]
                  rules:
                    http:
                    - {method: GET, path: "/api/(v1"}
            """), "spec.ingress[0].toPorts[0].rules.http[0].path", "invalid regular expression \"/api/(v1\"", 1
        },
        {
            "HTTP method regex with a backreference", Cnp("""
              endpointSelector: {}
              ingress:
              - toPorts:
                - ports: [{port: "80"}]
                  rules:
                    http:
                    - method: '(GET)\1'
            """), "spec.ingress[0].toPorts[0].rules.http[0].method", "regular expression", 1
        },
        {
            "ICMP type 300", Cnp("""
              endpointSelector: {}
              ingress:
              - icmps:
                - fields:
                  - {type: 300, family: IPv4}
            """), "spec.ingress[0].icmps[0].fields[0].type", "ICMP type must be between 0 and 255, got 300", 1
        },
        {
            "unknown ICMPv6 type name", Cnp("""
              endpointSelector: {}
              egress:
              - icmps:
                - fields:
                  - {type: EchoRequets, family: IPv6}
            """), "spec.egress[0].icmps[0].fields[0].type", "unknown ICMPv6 type \"EchoRequets\"; did you mean \"EchoRequest\"?", 1
        },
        {
            "bad authentication mode", Cnp("""
              endpointSelector: {}
              ingress:
              - fromEndpoints: [{}]
                authentication: {mode: require}
            """), "spec.ingress[0].authentication.mode", "did you mean \"required\"?", 1
        },
        {
            "enableDefaultDeny that is not a boolean", Cnp("""
              endpointSelector: {}
              enableDefaultDeny: {ingress: "no"}
            """), "spec.enableDefaultDeny.ingress", "expected a boolean", 1
        },
        {
            "bad policyTypes value", Np("""
              podSelector: {}
              policyTypes: [Ingres]
            """), "spec.policyTypes[0]", "unsupported value \"Ingres\"; did you mean \"Ingress\"?", 1
        },
        {
            "duplicate policyTypes", Np("""
              podSelector: {}
              policyTypes: [Ingress, Egress, Ingress]
            """), "spec.policyTypes[2]", "duplicate policy type \"Ingress\"", 1
        },
        {
            "missing podSelector", Np("""
              policyTypes: [Ingress]
            """), "spec.podSelector", "required field is missing", 1
        },
        {
            "peer with ipBlock and podSelector", Np("""
              podSelector: {}
              ingress:
              - from:
                - podSelector: {}
                  ipBlock: {cidr: 10.0.0.0/8}
            """), "spec.ingress[0].from[0].ipBlock", "ipBlock cannot be combined with podSelector or namespaceSelector", 1
        },
        {
            "empty peer", Np("""
              podSelector: {}
              egress:
              - to:
                - {}
            """), "spec.egress[0].to[0]", "a peer needs at least one of podSelector, namespaceSelector or ipBlock", 1
        },
        {
            "Service nodePort out of range", Svc("""
              type: NodePort
              ports:
              - {port: 80, nodePort: 80}
            """), "spec.ports[0].nodePort", "must be between 30000 and 32767, got 80", 1
        },
        {
            "Service nodePort on a ClusterIP Service", Svc("""
              ports:
              - {port: 80, nodePort: 30080}
            """), "spec.ports[0].nodePort", "only allowed for type NodePort or LoadBalancer", 1
        },
        {
            "Service port name missing with 2 ports", Svc("""
              ports:
              - {name: http, port: 80}
              - {port: 443}
            """), "spec.ports[1].name", "port name is required when the Service has more than one port", 1
        },
        {
            "Service duplicate port names", Svc("""
              ports:
              - {name: http, port: 80}
              - {name: http, port: 8080}
            """), "spec.ports[1].name", "duplicate port name \"http\"", 1
        },
        {
            "Service port given as a string", Svc("""
              ports:
              - port: "80"
            """), "spec.ports[0].port", "expected an integer, got string \"80\" (write the number without quotes)", 1
        },
        {
            "Service bad targetPort name", Svc("""
              ports:
              - {port: 80, targetPort: HTTP}
            """), "spec.ports[0].targetPort", "invalid port name \"HTTP\"", 1
        },
        {
            "Service of type ExternalName", Svc("""
              type: ExternalName
              ports: [{port: 80}]
            """), "spec.type", "ExternalName Services are not supported", 1
        },
        {
            "Service without ports", Svc("""
              selector: {app: web}
            """), "spec.ports", "at least one port is required", 1
        },
        {
            "Service bad clusterIP", Svc("""
              clusterIP: 10.96.0.300
              ports: [{port: 80}]
            """), "spec.clusterIP", "invalid IP address \"10.96.0.300\"", 1
        },
        {
            "Service affinity timeout out of range", Svc("""
              sessionAffinity: ClientIP
              sessionAffinityConfig: {clientIP: {timeoutSeconds: 0}}
              ports: [{port: 80}]
            """), "spec.sessionAffinityConfig.clientIP.timeoutSeconds", "must be between 1 and 86400", 1
        },
        {
            "Service load balancer ranges on a ClusterIP Service", Svc("""
              loadBalancerSourceRanges: [10.0.0.0/8]
              ports: [{port: 80}]
            """), "spec.loadBalancerSourceRanges", "only allowed for type LoadBalancer", 1
        },
        {
            "expected a list", Cnp("""
              endpointSelector: {}
              ingress:
                fromEndpoints: [{}]
            """), "spec.ingress", "expected a list, got a mapping", 1
        },
        {
            "document that is not a mapping", "just a string", "", "expected a mapping with apiVersion, kind and metadata", 1
        },
    };

    /// <summary>Each mistake is reported at its path with a helpful reason, and nothing else is reported.</summary>
    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Mistake_is_reported_with_path_and_reason(string name, string yaml, string path, string reason, int count)
    {
        var result = Manifest.Parse(yaml);
        Assert.False(result.Ok, name);
        Assert.Empty(result.Resources);
        Assert.True(
            result.Errors.Any(e => e.Path == path && e.Reason.Contains(reason, StringComparison.Ordinal)),
            $"{name}: no error at {path} containing '{reason}'; got:\n{string.Join("\n", result.Errors)}");
        Assert.True(result.Errors.Count == count, $"{name}: expected {count} error(s), got:\n{string.Join("\n", result.Errors)}");
        Assert.All(result.Errors, e => Assert.Equal(1, e.Document));
    }

    /// <summary>The table covers at least 30 distinct kinds of mistakes.</summary>
    [Fact]
    public void Mistake_table_covers_at_least_thirty_kinds() => Assert.True(Mistakes.Count >= 30);

    private static string Cnp(string spec) => CnpHeader + "\nspec:\n" + spec;

    private static string Np(string spec) => NpHeader + "\nspec:\n" + spec;

    private static string Svc(string spec) => SvcHeader + "\nspec:\n" + spec;

    private static string CidrPolicy(string cidr) => Cnp($"""
          endpointSelector: {"{}"}
          egress:
          - toCIDR: [{cidr}]
        """);
}
