using System.Text.Json.Nodes;
using Plexus.Integration.Tests.Support;
using Plexus.Lab.Processes;

namespace Plexus.Integration.Tests;

/// <summary>The plexus CLI against a real etcd, run as the built binary the way users run it.</summary>
public sealed class CliResourceTests(EtcdFixture fixture) : IClassFixture<EtcdFixture>
{
    private const string Namespace = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: NAME
          labels: {team: blue}
        """;

    private const string Policy = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata:
          name: NAME
          namespace: x
        spec:
          endpointSelector:
            matchLabels: {app: web}
          ingress:
          - fromEndpoints:
            - matchLabels: {app: client}
            toPorts:
            - ports:
              - {port: "80", protocol: TCP}
        """;

    private Task<Cli.Result> Plexus(params string[] args) => Cli.PlexusAsync([.. args, "--store", fixture.StoreUrl]);

    [Fact]
    public async Task Apply_then_get_round_trips_and_a_second_apply_is_unchanged()
    {
        var file = fixture.Dir.Write("rt/policy.yaml", Policy.Replace("NAME", "rt-web", StringComparison.Ordinal));

        var first = await Plexus("apply", "-f", file);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("ciliumnetworkpolicy.cilium.io/rt-web -n x created", first.Stdout, StringComparison.Ordinal);

        var again = await Plexus("apply", "-f", file);
        Assert.Contains("rt-web -n x unchanged", again.Stdout, StringComparison.Ordinal);

        var json = await Plexus("get", "cnp", "rt-web", "-n", "x", "-o", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var doc = JsonNode.Parse(json.Stdout)!;
        Assert.Equal("CiliumNetworkPolicy", (string?)doc["kind"]);
        Assert.Equal("web", (string?)doc["spec"]!["endpointSelector"]!["matchLabels"]!["app"]);
        Assert.NotNull(doc["metadata"]!["resourceVersion"]);

        // What get -o yaml prints can be applied back, and changes nothing.
        var yaml = await Plexus("get", "cnp", "rt-web", "-n", "x", "-o", "yaml");
        var back = await Cli.RunAsync("plexus", ["apply", "-f", "-", "--store", fixture.StoreUrl], stdin: yaml.Stdout);
        Assert.True(back.ExitCode == 0, back.ToString());
        Assert.Contains("unchanged", back.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changed_manifest_is_configured_and_table_lists_it()
    {
        var file = fixture.Dir.Write("chg/ns.yaml", Namespace.Replace("NAME", "chg", StringComparison.Ordinal));
        Assert.Equal(0, (await Plexus("apply", "-f", file)).ExitCode);
        File.WriteAllText(file, Namespace.Replace("NAME", "chg", StringComparison.Ordinal).Replace("blue", "green", StringComparison.Ordinal));

        var second = await Plexus("apply", "-f", file);
        Assert.Contains("namespace/chg configured", second.Stdout, StringComparison.Ordinal);

        var table = await Plexus("get", "namespaces");
        Assert.Matches(@"(?m)^NAME\s+LABELS\s+AGE$", table.Stdout);
        Assert.Matches(@"(?m)^chg\s+kubernetes.io/metadata.name=chg,team=green\s+\d+s$", table.Stdout);
    }

    [Fact]
    public async Task A_bulk_apply_creates_every_resource_then_finds_them_unchanged_and_configures_only_the_changed_one()
    {
        const int Count = 300;
        static string Service(int i, int port) => $"""
            apiVersion: v1
            kind: Service
            metadata:
              name: svc-{i:D5}
              namespace: bulk
            spec:
              clusterIP: 10.100.{i / 256}.{i % 256}
              selector: {"{"}role: server{"}"}
              ports:
              - {"{"}port: {port}, targetPort: 7200, protocol: TCP{"}"}
            """;
        string Manifest(int changed) => string.Join("\n---\n", Enumerable.Range(1, Count).Select(i => Service(i, i == changed ? 81 : 80)));
        string[] Expected(Func<int, string> outcome) => Enumerable.Range(1, Count).Select(i => $"service/svc-{i:D5} -n bulk {outcome(i)}").ToArray();
        var file = fixture.Dir.Write("bulk/services.yaml", Manifest(0));

        var created = await Plexus("apply", "-f", file);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal(Expected(_ => "created"), created.Stdout.TrimEnd().Split('\n'));

        var again = await Plexus("apply", "-f", file);
        Assert.Equal(Expected(_ => "unchanged"), again.Stdout.TrimEnd().Split('\n'));

        File.WriteAllText(file, Manifest(changed: 150));
        var changed = await Plexus("apply", "-f", file);
        Assert.Equal(Expected(i => i == 150 ? "configured" : "unchanged"), changed.Stdout.TrimEnd().Split('\n'));
        var stored = JsonNode.Parse((await Plexus("get", "service", "svc-00150", "-n", "bulk", "-o", "json")).Stdout)!;
        Assert.Equal(81, (int?)stored["spec"]!["ports"]![0]!["port"]);
        Assert.NotNull(stored["metadata"]!["creationTimestamp"]);
        var list = JsonNode.Parse((await Plexus("get", "services", "-n", "bulk", "-o", "json")).Stdout)!;
        Assert.Equal(Count, list["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Two_files_naming_one_resource_apply_both_in_order()
    {
        var blue = fixture.Dir.Write("twice/blue.yaml", Namespace.Replace("NAME", "twice", StringComparison.Ordinal));
        var green = fixture.Dir.Write("twice/green.yaml", Namespace.Replace("NAME", "twice", StringComparison.Ordinal).Replace("blue", "green", StringComparison.Ordinal));

        var result = await Plexus("apply", "-f", blue, "-f", green);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["namespace/twice created", "namespace/twice configured"], result.Stdout.TrimEnd().Split('\n'));
        Assert.Contains("team=green", (await Plexus("get", "namespaces")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_apply_with_one_bad_document_stores_nothing()
    {
        var good = Namespace.Replace("NAME", "atomic-good", StringComparison.Ordinal);
        var bad = Policy.Replace("NAME", "atomic-bad", StringComparison.Ordinal).Replace("protocol: TCP", "protocol: TPC", StringComparison.Ordinal);
        var file = fixture.Dir.Write("atomic/two.yaml", good + "\n---\n" + bad);

        var result = await Plexus("apply", "-f", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(file, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("document 2", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("protocol", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was applied", result.Stderr, StringComparison.Ordinal);
        var get = await Plexus("get", "ns", "atomic-good");
        Assert.Equal(1, get.ExitCode);
        Assert.Contains("not found", get.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dry_run_of_the_broken_example_needs_no_store_and_names_every_mistake()
    {
        var examples = Path.Combine(Binaries.RepositoryRoot()!, "examples");

        var result = await Cli.PlexusAsync("apply", "--dry-run", "-f", Path.Combine(examples, "invalid"));

        Assert.Equal(2, result.ExitCode);
        foreach (var expected in new[] { "endpointSelecter", "operator", "70000", "except", "wrold", "metadata.name", "endPort" })
        {
            Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        }

        var valid = await Cli.PlexusAsync("apply", "--dry-run", "-f", Path.Combine(examples, "manifests"));
        Assert.True(valid.ExitCode == 0, valid.ToString());
        Assert.Contains("valid (dry run)", valid.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_by_file_and_by_name()
    {
        var file = fixture.Dir.Write("del/p.yaml", Policy.Replace("NAME", "del-a", StringComparison.Ordinal) + "\n---\n" + Policy.Replace("NAME", "del-b", StringComparison.Ordinal));
        Assert.Equal(0, (await Plexus("apply", "-f", file)).ExitCode);

        var byName = await Plexus("delete", "cnp", "del-a", "-n", "x");
        Assert.True(byName.ExitCode == 0, byName.ToString());
        var byFile = await Plexus("delete", "-f", file);
        Assert.Equal(1, byFile.ExitCode); // del-a is already gone
        Assert.Contains("del-b -n x deleted", byFile.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"del-a\" not found", byFile.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await Plexus("delete", "-f", file, "--ignore-not-found")).ExitCode);
        Assert.Equal(1, (await Plexus("get", "cnp", "del-b", "-n", "x")).ExitCode);
    }

    [Theory]
    [InlineData(new[] { "get", "widgets" }, "unknown resource kind \"widgets\"")]
    [InlineData(new[] { "get", "cnp", "-o", "xml" }, "--output")]
    [InlineData(new[] { "apply" }, "--filename")]
    [InlineData(new[] { "apply", "-f", "/nonexistent/p.yaml" }, "/nonexistent/p.yaml: no such file or directory")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    public async Task Bad_input_exits_2_with_a_reason(string[] args, string reason)
    {
        var result = await Plexus(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(reason, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_store_the_cli_says_how_to_configure_one()
    {
        var result = await Cli.RunAsync("plexus", ["get", "nodes"], env: new Dictionary<string, string> { ["HOME"] = fixture.Dir.Path });

        // A lab left running on the machine (plexus demo --keep) is a store too: then the CLI uses it, or asks which.
        switch (Lab.Runtime.LabRegistry.Running().Count)
        {
            case 0:
                Assert.Equal(2, result.ExitCode);
                Assert.Contains("no store configured", result.Stderr, StringComparison.Ordinal);
                break;
            case 1:
                Assert.True(result.ExitCode == 0, result.ToString());
                break;
            default:
                Assert.Equal(2, result.ExitCode);
                Assert.Contains("labs are running", result.Stderr, StringComparison.Ordinal);
                break;
        }
    }

    [Fact]
    public async Task Store_is_found_through_the_config_file()
    {
        var config = fixture.Dir.Write("cfg/config.yaml", $"store:\n  url: {fixture.StoreUrl}\n");

        var result = await Cli.RunAsync("plexus", ["get", "nodes", "--config", config]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var unknownField = fixture.Dir.Write("cfg/bad.yaml", "store:\n  uri: x\n");
        var bad = await Cli.RunAsync("plexus", ["get", "nodes", "--config", unknownField]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("bad.yaml:2:", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_store_fails_with_exit_1()
    {
        var result = await Cli.PlexusAsync("get", "nodes", "--store", "etcd://127.0.0.1:1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("store unavailable", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_prints_text_and_json()
    {
        var text = await Cli.PlexusAsync("version");
        Assert.Matches(@"^plexus \d+\.\d+\.\d+", text.Stdout);
        var json = await Cli.PlexusAsync("version", "-o", "json");
        Assert.NotNull(JsonNode.Parse(json.Stdout)!["version"]);
    }
}
