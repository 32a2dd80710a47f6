namespace Plexus.Model.Tests;

/// <summary>Documents, positions, YAML and JSON syntax, and how errors are collected and reported.</summary>
public class ParsingTests
{
    private const string TwoPolicies = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata:
          name: p1
          namespace: team-a
        spec:
          endpointSelector: {}
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata:
          name: p2
        spec:
          endpointSelector:
            matchExpressions:
            - {key: app, operator: Inn, values: [web]}
        """;

    [Fact]
    public void Error_in_document_two_is_named_as_document_two_with_its_resource()
    {
        var result = Manifest.Parse(TwoPolicies, "policies.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.Document);
        Assert.Equal("CiliumNetworkPolicy default/p2", error.Resource);
        Assert.Equal("spec.endpointSelector.matchExpressions[0].operator", error.Path);
        Assert.Equal((16, 28), (error.Line, error.Column));
        Assert.Equal(
            "policies.yaml:16:28: document 2 (CiliumNetworkPolicy default/p2): spec.endpointSelector.matchExpressions[0].operator: unsupported value \"Inn\"; did you mean \"In\"?",
            error.ToString());

        // The valid first document is still returned, but the result is not Ok: nothing should be applied.
        Assert.False(result.Ok);
        Assert.Equal("p1", Assert.Single(result.Resources).Metadata.Name);
    }

    [Fact]
    public void Every_error_of_every_document_is_reported()
    {
        const string yaml = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: Bad_Name
            spec:
              podSelector:
                matchLabels: {"-x": ok}
              policyTypes: [Ingress, Ingress]
              ingress:
              - ports:
                - {port: 0}
                - {port: 80, endPort: 70}
                from:
                - ipBlock: {cidr: 10.0.0.0/33}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              tpye: NodePort
              ports:
              - {port: 80, nodePort: 1}
            ---
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicyy
            """;

        var result = Manifest.Parse(yaml);

        Assert.Equal(9, result.Errors.Count);
        Assert.Equal([1, 1, 1, 1, 1, 1, 2, 2, 3], result.Errors.Select(e => e.Document));
        Assert.Equal(
            [
                "metadata.name", "spec.podSelector.matchLabels.-x", "spec.policyTypes[1]", "spec.ingress[0].ports[0].port",
                "spec.ingress[0].ports[1].endPort", "spec.ingress[0].from[0].ipBlock.cidr", "spec.tpye", "spec.ports[0].nodePort", "kind",
            ],
            result.Errors.Select(e => e.Path));
        Assert.Contains("did you mean \"type\"?", result.Errors[6].Reason, StringComparison.Ordinal);
        Assert.Empty(result.Resources);
    }

    [Fact]
    public void Yaml_syntax_error_reports_line_and_column()
    {
        const string yaml = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: x
             labels: {}
            """;

        var error = Assert.Single(Manifest.Parse(yaml).Errors);

        Assert.Equal((5, 2), (error.Line, error.Column));
        Assert.Equal(1, error.Document);
        Assert.Equal("", error.Path);
        Assert.StartsWith("YAML syntax error:", error.Reason, StringComparison.Ordinal);
        Assert.StartsWith("test.yaml:5:2: document 1: YAML syntax error:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_syntax_error_in_a_later_document_keeps_earlier_errors_and_names_its_document()
    {
        const string yaml = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: x, labelz: {}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: "y}
            """;

        var result = Manifest.Parse(yaml);

        Assert.Equal(2, result.Errors.Count);
        Assert.Equal((1, "metadata.labelz"), (result.Errors[0].Document, result.Errors[0].Path));
        Assert.Equal(2, result.Errors[1].Document);
        Assert.Contains("YAML syntax error", result.Errors[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unclosed_flow_sequence_is_a_syntax_error()
    {
        var error = Assert.Single(Manifest.Parse("apiVersion: v1\nkind: Namespace\nmetadata:\n  labels: [a, b\n").Errors);

        Assert.Contains("YAML syntax error", error.Reason, StringComparison.Ordinal);
        Assert.Contains("'[' at line 4, column 11 is never closed", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_field_points_at_the_key_of_its_parent()
    {
        const string yaml = """
            apiVersion: v1
            kind: Namespace
            metadata:
              labels: {team: a}
            """;

        var error = Assert.Single(Manifest.Parse(yaml).Errors);

        Assert.Equal(("metadata.name", 3, 1), (error.Path, error.Line, error.Column));
    }

    [Fact]
    public void Quoted_and_plain_scalars_are_distinguished()
    {
        const string yaml = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: x, labels: {version: "1.0", enabled: "true"}}
            spec:
              podSelector: {}
              ingress:
              - ports:
                - port: 80
                - port: "http"
            """;

        var policy = Manifest.Single<NetworkPolicyResource>(yaml);

        var ports = policy.Spec.Ingress[0].Ports;
        Assert.Equal(80, ports[0].Port!.Number);
        Assert.Equal("http", ports[1].Port!.Name);
        Assert.Equal("1.0", policy.Metadata.Labels["version"]);
        Assert.Equal("true", policy.Metadata.Labels["enabled"]);
        Assert.Equal(80, policy.Json["spec"]!["ingress"]![0]!["ports"]![0]!["port"]!.GetValue<int>());
    }

    [Fact]
    public void Json_object_is_parsed_like_yaml()
    {
        const string json = """
            {
              "apiVersion": "networking.k8s.io/v1",
              "kind": "NetworkPolicy",
              "metadata": {"name": "deny", "namespace": "x"},
              "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
            }
            """;

        var policy = Manifest.Single<NetworkPolicyResource>(json);

        Assert.Equal([PolicyType.Ingress, PolicyType.Egress], policy.Spec.EffectivePolicyTypes);
    }

    [Fact]
    public void Json_error_has_line_and_column()
    {
        const string json = """
            {
              "apiVersion": "networking.k8s.io/v1",
              "kind": "NetworkPolicy",
              "metadata": {"name": "deny"},
              "spec": {"podSelector": {}, "policyTypes": ["Ingres"]}
            }
            """;

        var error = Assert.Single(Manifest.Parse(json, "p.json").Errors);

        Assert.Equal(("spec.policyTypes[0]", 5, 47), (error.Path, error.Line, error.Column));
    }

    [Fact]
    public void Json_array_and_List_items_become_resources()
    {
        const string array = """
            [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}},
             {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "y"}}]
            """;
        const string list = """
            apiVersion: v1
            kind: List
            metadata: {resourceVersion: ""}
            items:
            - {apiVersion: v1, kind: Namespace, metadata: {name: x}}
            - {apiVersion: v1, kind: Namespace, metadata: {name: "Y"}}
            """;

        var fromArray = Manifest.Parse(array);
        var fromList = Manifest.Parse(list);

        Manifest.AssertOk(fromArray);
        Assert.Equal(["x", "y"], fromArray.Resources.Select(r => r.Metadata.Name));
        var error = Assert.Single(fromList.Errors);
        Assert.Equal(("items[1].metadata.name", "Namespace Y"), (error.Path, error.Resource));
        Assert.Equal("x", Assert.Single(fromList.Resources).Metadata.Name);
    }

    [Fact]
    public void Empty_documents_and_comments_are_skipped()
    {
        var result = Manifest.Parse("# nothing\n---\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n");

        Manifest.AssertOk(result);
        Assert.Single(result.Resources);
        Assert.True(Manifest.Parse("").Ok);
    }

    [Fact]
    public void Same_resource_twice_in_one_file_is_an_error()
    {
        var result = Manifest.Parse("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((2, "metadata.name"), (error.Document, error.Path));
        Assert.Contains("also defined in document 1", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_are_followed_and_alias_bombs_refused()
    {
        const string yaml = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: x}
            spec:
              selector: &labels {app: web}
              ports: [{port: 80}]
            status: {}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: x, labels: *labels}
            """;
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 7).Select(i =>
            $"{(char)('a' + i)}: &{(char)('a' + i)} [*{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}]\n"));

        var result = Manifest.Parse(yaml);

        Assert.Contains("alias", Assert.Single(result.Errors).Reason, StringComparison.Ordinal);
        Assert.Contains("more than", Assert.Single(Manifest.Parse(bomb).Errors).Reason, StringComparison.Ordinal);
        Manifest.AssertOk(Manifest.Parse(yaml.Replace("*labels", "{app: web}", StringComparison.Ordinal)));
    }

    [Fact]
    public void Server_fields_from_get_output_are_tolerated()
    {
        const string yaml = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata:
              name: p
              namespace: x
              uid: 0b1c
              resourceVersion: 42
              generation: 3
              creationTimestamp: 2025-01-02T03:04:05Z
            spec:
              endpointSelector: {}
            """;

        var policy = Manifest.Single<CiliumNetworkPolicyResource>(yaml);

        Assert.Equal(("0b1c", "42", 3L, "2025-01-02T03:04:05Z"), (policy.Metadata.Uid, policy.Metadata.ResourceVersion, policy.Metadata.Generation, policy.Metadata.CreationTimestamp));
    }

    [Fact]
    public void Stored_json_parses_back_to_an_equal_resource()
    {
        const string yaml = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata:
              name: api
              labels: {b: "2", a: "1"}
            spec:
              endpointSelector: {matchLabels: {app: api}}
              ingress:
              - fromEndpoints: [{matchLabels: {app: web}}]
                toPorts:
                - ports: [{port: 8080, protocol: TCP}]
                  rules:
                    http: [{method: GET, path: "/v1/.*"}]
            """;

        var original = Manifest.Single<CiliumNetworkPolicyResource>(yaml);
        var decoded = Manifest.Single<CiliumNetworkPolicyResource>(original.ToJsonString());

        Assert.Equal(original, decoded);
        Assert.Equal(original.ToJsonString(), decoded.ToJsonString());
        Assert.Equal("default", original.Json["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("8080", original.Json["spec"]!["ingress"]![0]!["toPorts"]![0]!["ports"]![0]!["port"]!.GetValue<string>());
        Assert.StartsWith("{\"apiVersion\":\"cilium.io/v2\",\"kind\":\"CiliumNetworkPolicy\",\"metadata\":{\"name\":\"api\",\"namespace\":\"default\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}}", original.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_property_is_a_copy()
    {
        var ns = Manifest.Single<NamespaceResource>("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n");

        ns.Json["metadata"]!["name"] = "changed";

        Assert.Equal("x", ns.Json["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Namespace_carries_its_name_label()
    {
        var ns = Manifest.Single<NamespaceResource>("apiVersion: v1\nkind: Namespace\nmetadata: {name: x, labels: {team: blue}}\n");

        Assert.Equal("x", ns.Metadata.Labels[NamespaceResource.NameLabel]);
        Assert.Equal("blue", ns.Metadata.Labels["team"]);
        Assert.Null(ns.Metadata.Namespace);
        Assert.Equal("x", ns.Json["metadata"]!["labels"]![NamespaceResource.NameLabel]!.GetValue<string>());
        Assert.Equal("Namespace x", ns.ToString());
    }
}
