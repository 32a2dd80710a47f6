using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Plexus.Integration.Tests.Support;
using Plexus.Lab.Processes;
using Plexus.Lab.Runtime;
using Plexus.Lab.Topology;

namespace Plexus.Integration.Tests;

/// <summary>
/// The agents' metrics as a real Prometheus sees them: Debian's <c>prometheus</c> runs in the lab's fabric namespace
/// (which routes to every node's underlay address, as etcd does there), scrapes each agent every second, and the
/// test asks its query API that every agent is up and that a policy drop shows up with Hubble's and the datapath's
/// reason labels.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class LabMetricsTests : IAsyncLifetime
{
    private const int MetricsPort = 9962;
    private const string PrometheusListen = "127.0.0.1:9090";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);
    private readonly LabUnderTest _lab = new(LabUnderTest.SmallTopology);
    private readonly TempDir _dir = new();
    private JsonObject _status = [];

    /// <inheritdoc/>
    public async Task InitializeAsync() => _status = await _lab.UpAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await _lab.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Prometheus_scrapes_every_agent_and_sees_a_policy_drop_with_its_reason()
    {
        var prometheusBinary = Binaries.FindOnPath("prometheus") ?? throw new InvalidOperationException("prometheus is not installed (Debian package prometheus; ./build.sh deps)");
        var targets = _status["nodes"]!.AsArray().Select(n => $"{(string)n!["address"]!}:{MetricsPort}").ToList();
        var b = LabUnderTest.Pod(_status, "x", "b");
        var n2 = $"{_status["nodes"]!.AsArray().Single(n => (string?)n!["name"] == (string?)b["node"])!["address"]}:{MetricsPort}";
        var config = _dir.Write("prometheus.yml", $$"""
            global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
            scrape_configs:
            - job_name: plexus-agent
              static_configs:
              - targets: [{{string.Join(", ", targets.Select(t => $"'{t}'"))}}]
            """);

        var fabric = LabNames.Fabric(_lab.Name);
        var info = NetnsCommand.StartInfo(fabric, [
            prometheusBinary, $"--config.file={config}", $"--storage.tsdb.path={_dir["data"]}", $"--web.listen-address={PrometheusListen}",
            "--log.level=warn", "--storage.tsdb.retention.time=1h"]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var prometheus = Process.Start(info)!;
        var log = new StringBuilder();
        prometheus.OutputDataReceived += (_, e) => Append(log, e.Data);
        prometheus.ErrorDataReceived += (_, e) => Append(log, e.Data);
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        using var http = NetnsSockets.HttpClient(fabric, TimeSpan.FromSeconds(2));
        try
        {
            await CheckAsync(http, targets, n2);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nprometheus log:\n{log}", e);
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
        }
    }

    private async Task CheckAsync(HttpClient http, List<string> targets, string n2)
    {
            // Every agent is a healthy target.
            await Wait.UntilAsync(async () =>
            {
                var up = await QueryAsync(http, "up{job=\"plexus-agent\"}");
                return up.Count == targets.Count && up.All(r => Value(r) == 1);
            }, Settle, $"every agent up in Prometheus ({string.Join(", ", targets)})");

            // b takes ingress only from pod=c: a's probe is dropped on b's node for reason 133.
            await ApplyAsync("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: b-isolated, namespace: x}
                spec:
                  endpointSelector: {matchLabels: {pod: b}}
                  ingress: [{fromEndpoints: [{matchLabels: {pod: c}}]}]
                """);
            await Wait.UntilAsync(async () =>
            {
                var probe = await _lab.PlexusAsync("lab", "probe", "x/a", "x/b:8080/tcp", "--timeout", "500ms");
                return probe.ExitCode == 1;
            }, Settle, "x/a -> x/b:8080 refused by the policy");

            // Hubble's flow metric, from the flow pipeline.
            var drops = await UntilSeriesAsync(http, $"hubble_drop_total{{reason=\"POLICY_DENIED\",protocol=\"TCP\",instance=\"{n2}\"}} > 0");
            Assert.True(Value(drops[0]) >= 1);

            // The datapath's per-CPU counter for reason 133, under Plexus's and Cilium's names.
            await UntilSeriesAsync(http, $"plexus_datapath_packets_total{{verdict=\"DROPPED\",reason=\"POLICY_DENIED\",direction=\"INGRESS\",instance=\"{n2}\"}} > 0");
            await UntilSeriesAsync(http, $"cilium_drop_count_total{{reason=\"Policy denied\",direction=\"INGRESS\",instance=\"{n2}\"}} > 0");
            await UntilSeriesAsync(http, $"plexus_policy_verdicts_total{{direction=\"INGRESS\",verdict=\"DROPPED\",reason=\"POLICY_DENIED\",instance=\"{n2}\"}} > 0");

            // a's SYN left n1 forwarded; control-plane, map, store and runtime metrics are there for every agent.
            await UntilSeriesAsync(http, "sum(plexus_datapath_packets_total{verdict=\"FORWARDED\"}) > 0");
            foreach (var query in (string[])[
                "plexus_agent_info", "plexus_endpoints == 1", "plexus_bpf_map_entries{map=\"plx_endpoints\"} >= 1",
                "rate(process_cpu_seconds_total[1m]) >= 0",
                "process_resident_memory_bytes > 0", "plexus_store_operation_duration_seconds_count{operation=\"keep_alive\",outcome=\"success\"} > 0"])
            {
                var series = await UntilSeriesAsync(http, $"count by (instance) ({query})");
                Assert.True(series.Count == targets.Count, $"{query}: {series.Count} of {targets.Count} agents");
            }

            // Prometheus's own linter accepts an agent's exposition as it is.
            var text = await http.GetStringAsync(new Uri($"http://{n2}/metrics"));
            var lint = await PromtoolAsync(text);
            Assert.True(lint.ExitCode == 0, $"promtool check metrics: {lint.Output}");

            var errors = await QueryAsync(http, "sum(plexus_metrics_scrape_errors_total)");
            Assert.True(errors.Count == 0 || Value(errors[0]) == 0, $"collectors failed during scrapes: {errors.FirstOrDefault()}");
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(string exposition)
    {
        var promtool = Binaries.FindOnPath("promtool") ?? throw new InvalidOperationException("promtool is not installed (Debian package prometheus)");
        var info = new ProcessStartInfo(promtool) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("check");
        info.ArgumentList.Add("metrics");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<List<JsonNode>> UntilSeriesAsync(HttpClient http, string query)
    {
        List<JsonNode> result = [];
        await Wait.UntilAsync(async () => (result = await QueryAsync(http, query)).Count > 0, Settle, $"Prometheus query {query}");
        return result;
    }

    /// <summary>An instant query through <c>/api/v1/query</c>; the vector's samples.</summary>
    private static async Task<List<JsonNode>> QueryAsync(HttpClient http, string query)
    {
        var uri = new Uri($"http://{PrometheusListen}/api/v1/query?query={Uri.EscapeDataString(query)}");
        var body = JsonNode.Parse(await http.GetStringAsync(uri))!;
        Assert.Equal("success", (string?)body["status"]);
        return [.. body["data"]!["result"]!.AsArray().OfType<JsonNode>()];
    }

    private static double Value(JsonNode sample) => double.Parse((string)sample["value"]![1]!, CultureInfo.InvariantCulture);

    private async Task ApplyAsync(string yaml)
    {
        var file = _dir.Write($"{Guid.NewGuid():N}.yaml", yaml);
        var applied = await _lab.PlexusAsync("apply", "-f", file);
        Assert.True(applied.ExitCode == 0, applied.ToString());
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }
}
