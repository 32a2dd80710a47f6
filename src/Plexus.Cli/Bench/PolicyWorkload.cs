using System.Globalization;
using System.Net;
using System.Text;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Policy;

namespace Plexus.Cli.Bench;

/// <summary>
/// A synthetic but cluster-shaped policy input for one node: <see cref="Namespaces"/> namespaces, N identities spread
/// over them as 100 apps × 3 tiers × versions (so an <c>app</c> selector picks N/1000 identities per namespace and a
/// <c>tier</c> expression about two thirds of a namespace), <see cref="LocalEndpoints"/> local endpoints (a kubelet's
/// default pod limit) and M rules: namespaced CiliumNetworkPolicies, each selecting one app of its namespace with
/// ingress from a peer app and from the namespace's web and api tiers (a monitoring port), an occasional deny of an old
/// version, egress to two apps over a port range, to a named port in the next namespace, to DNS and sometimes to a
/// CIDR set or an explicit deny of world SMTP; every 50th rule is instead a CiliumClusterwideNetworkPolicy on every
/// web tier (world on 443, deny from quarantined identities). Deterministic for given sizes.
/// </summary>
public sealed class PolicyWorkload
{
    /// <summary>Namespaces of the workload.</summary>
    public const int Namespaces = 10;

    /// <summary>Local endpoints the node compiles policy for.</summary>
    public const int LocalEndpoints = 100;

    private const int Apps = 100;
    private static readonly string[] Tiers = ["web", "api", "db"];

    private PolicyWorkload(int identityCount, int ruleCount)
    {
        IdentityCount = identityCount;
        RuleCount = ruleCount;
    }

    /// <summary>How many identities.</summary>
    public int IdentityCount { get; }

    /// <summary>How many policies (one rule each).</summary>
    public int RuleCount { get; }

    /// <summary>The namespaces with their labels.</summary>
    public IReadOnlyList<PolicyNamespace> NamespaceSet { get; private init; } = [];

    /// <summary>The identities (labels, one pod address, the named port <c>http</c>).</summary>
    public IReadOnlyList<PolicyIdentity> Identities { get; private init; } = [];

    /// <summary>The node's endpoints, each with an identity of the set.</summary>
    public IReadOnlyList<PolicyEndpoint> Endpoints { get; private init; } = [];

    /// <summary>The policies, parsed and validated.</summary>
    public IReadOnlyList<Resource> Policies { get; private init; } = [];

    /// <summary>Builds the workload of <paramref name="identities"/> identities and <paramref name="rules"/> policies.</summary>
    public static PolicyWorkload Create(int identities, int rules)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(identities, LocalEndpoints);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(identities, 60_000);
        ArgumentOutOfRangeException.ThrowIfNegative(rules);
        var namespaces = Enumerable.Range(0, Namespaces)
            .Select(n => new PolicyNamespace(Ns(n), new Dictionary<string, string> { ["team"] = $"t{n % 3}" }))
            .ToList();
        var ids = Enumerable.Range(0, identities).Select(Identity).ToList();
        var endpoints = Enumerable.Range(0, LocalEndpoints).Select(k =>
        {
            var index = (int)((long)k * 7919 % identities);
            return new PolicyEndpoint
            {
                Id = k + 1,
                Identity = ids[index].Number,
                Namespace = Ns(index % Namespaces),
                NamedPorts = ids[index].NamedPorts,
            };
        }).ToList();
        var text = Manifest(rules);
        var parsed = ManifestLoader.Parse(text, "policy-workload.yaml");
        if (parsed.Errors.Count > 0)
        {
            throw new BenchException($"the policy workload does not validate: {string.Join("; ", parsed.Errors.Take(3))}");
        }

        return new PolicyWorkload(identities, rules)
        {
            NamespaceSet = namespaces,
            Identities = ids,
            Endpoints = endpoints,
            Policies = parsed.Resources,
        };
    }

    /// <summary>A fresh repository fed with everything, not yet computed (what an agent holds after a restart).</summary>
    public PolicyRepository Load()
    {
        var repository = new PolicyRepository();
        foreach (var ns in NamespaceSet)
        {
            repository.UpsertNamespace(ns);
        }

        foreach (var identity in Identities)
        {
            repository.UpsertIdentity(identity);
        }

        foreach (var policy in Policies)
        {
            repository.UpsertPolicy(policy);
        }

        foreach (var endpoint in Endpoints)
        {
            repository.UpsertEndpoint(endpoint);
        }

        return repository;
    }

    /// <summary>The namespace name of index <paramref name="n"/>.</summary>
    public static string Ns(int n) => "ns-" + n.ToString(CultureInfo.InvariantCulture);

    private static PolicyIdentity Identity(int i)
    {
        var app = i / Namespaces % Apps;
        var labels = new List<IdentityLabel>
        {
            new(IdentityLabels.KubernetesSource, "app", $"a{app}"),
            new(IdentityLabels.KubernetesSource, "tier", Tiers[app % Tiers.Length]),
            new(IdentityLabels.KubernetesSource, "version", $"v{i / (Namespaces * Apps)}"),
            new(IdentityLabels.KubernetesSource, IdentityLabels.NamespaceKey, Ns(i % Namespaces)),
            new(IdentityLabels.KubernetesSource, IdentityLabels.ClusterKey, "c1"),
        };
        if (i % 97 == 0)
        {
            labels.Add(new IdentityLabel(IdentityLabels.KubernetesSource, "quarantine", "true"));
        }

        return new PolicyIdentity
        {
            Number = IdentityNumbers.FirstAllocated(1) + (uint)i,
            Labels = IdentityLabels.Create(labels),
            Addresses = [new IPAddress([10, 1, (byte)(i >> 8), (byte)i])],
            NamedPorts = [new NamedPort("http", IpProtocols.Tcp, 8080)],
        };
    }

    private static string Manifest(int rules)
    {
        var text = new StringBuilder();
        for (var j = 0; j < rules; j++)
        {
            text.Append(j % 50 == 49 ? Clusterwide(j) : Namespaced(j)).Append("---\n");
        }

        return text.ToString();
    }

    private static string Namespaced(int j)
    {
        var ns = Ns(j % Namespaces);
        var rule = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $$$"""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: p{{{j}}}, namespace: {{{ns}}}}
            spec:
              endpointSelector: {matchLabels: {app: a{{{j / Namespaces % Apps}}}}}
              ingress:
              - fromEndpoints: [{matchLabels: {app: a{{{(j * 7 + 3) % Apps}}}}}]
                toPorts: [{ports: [{port: "{{{8000 + (j % 20)}}}", protocol: TCP}]}]
              - fromEndpoints: [{matchExpressions: [{key: tier, operator: In, values: [web, api]}]}]
                toPorts: [{ports: [{port: "9090", protocol: TCP}]}]
              egress:
              - toEndpoints: [{matchLabels: {app: a{{{(j * 3 + 1) % Apps}}}}}, {matchLabels: {app: a{{{(j * 3 + 2) % Apps}}}}}]
                toPorts: [{ports: [{port: "5432", endPort: 5439, protocol: TCP}]}]
              - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: {{{Ns((j + 1) % Namespaces)}}}, app: a{{{(j * 11 + 5) % Apps}}}}}]
                toPorts: [{ports: [{port: http, protocol: TCP}]}]
              - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: ns-0, app: a0}}]
                toPorts: [{ports: [{port: "53", protocol: UDP}]}]

            """));
        if (j % 10 == 0)
        {
            rule.Append("""
                  - toCIDRSet: [{cidr: 198.51.100.0/24, except: [198.51.100.128/25]}]
                    toPorts: [{ports: [{port: "443", protocol: TCP}]}]

                """);
        }

        if (j % 4 == 0)
        {
            rule.Append("""
                  ingressDeny:
                  - fromEndpoints: [{matchLabels: {version: v0}}]
                    toPorts: [{ports: [{port: "22", protocol: TCP}]}]

                """);
        }

        if (j % 8 == 0)
        {
            rule.Append("""
                  egressDeny:
                  - toEntities: [world]
                    toPorts: [{ports: [{port: "25", protocol: TCP}]}]

                """);
        }

        return rule.ToString();
    }

    private static string Clusterwide(int j) => string.Create(CultureInfo.InvariantCulture, $$$"""
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: web-edge-{{{j}}}}
        spec:
          endpointSelector: {matchLabels: {tier: web}}
          enableDefaultDeny: {ingress: false}
          ingress:
          - fromEntities: [world]
            toPorts: [{ports: [{port: "{{{443 + (j / 50)}}}", protocol: TCP}]}]
          ingressDeny:
          - fromEndpoints: [{matchLabels: {quarantine: "true"}}]

        """);
}
