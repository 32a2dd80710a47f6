extern alias plexuscli;

using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using plexuscli::Plexus.Cli;
using plexuscli::Plexus.Cli.Infrastructure;
using Plexus.Lab.Agents;
using Plexus.Lab.Runtime;
using Plexus.Model;
using Plexus.Store;

namespace Plexus.Integration.Tests.Conformance;

/// <summary>
/// The conformance lab, built once for every case: one cluster of two nodes, namespaces x, y, z (only their automatic
/// <c>kubernetes.io/metadata.name</c> label), pods a, b, c in each (label <c>pod=NAME</c>, TCP and UDP on 80 and 81,
/// named <c>serve-80-tcp</c> …; x/a also 52, 53, 84, 85 for the endPort cases) spread over both nodes, and a ClusterIP
/// Service <c>s-NS-POD</c> per pod. Probes go to the Services' addresses, in parallel, from inside the pods.
/// Policies, labels and pods change through the same CLI code users run (<c>plexus apply/label</c>, in-process).
/// </summary>
public sealed class ConformanceLab : IAsyncLifetime
{
    /// <summary>How long one probe waits for its connection or reply.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How long a matrix may take to become what is expected (eventual consistency).</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    private const int Parallelism = 40;
    private const string PodCidr = "10.1.0.0/16";
    private static readonly int[] ExtraPortsOfA = [52, 53, 84, 85];

    private readonly Stopwatch _clock = new();
    private readonly Dictionary<string, string> _netns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IPAddress> _vips = new(StringComparer.Ordinal);
    private Dictionary<string, string> _podIps = new(StringComparer.Ordinal);
    private IStore? _store;

    /// <summary>The lab.</summary>
    public LabUnderTest Lab { get; } = new(Topology());

    /// <summary>Time since the lab started coming up.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        _clock.Start();
        var status = await Lab.UpAsync();
        foreach (var pod in status["pods"]!.AsArray().Select(p => p!.AsObject()))
        {
            _netns[$"{pod["namespace"]}/{pod["name"]}"] = (string)pod["netns"]!;
        }

        await RefreshPodIpsAsync();
        _store = StoreFactory.Create(StoreLocator.LabStore(Lab.Name, "the conformance lab"));
        var services = new StringBuilder();
        foreach (var pod in DenialNotation.Pods)
        {
            services.Append(Service(pod));
        }

        var applied = await PlexusAsync(["apply", "-f", "-"], services.ToString());
        Assert.True(applied.Code == 0, applied.Output);
        foreach (var pod in DenialNotation.Pods)
        {
            var (ns, name) = Split(pod);
            // The service controller allocates the address after the apply: wait for it.
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                var get = await PlexusAsync(["get", "service", $"s-{ns}-{name}", "-n", ns, "-o", "json"]);
                Assert.True(get.Code == 0, get.Output);
                if ((string?)JsonNode.Parse(get.Out)!["spec"]!["clusterIP"] is { } vip)
                {
                    _vips[pod] = IPAddress.Parse(vip);
                    break;
                }

                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), $"service s-{ns}-{name} got no cluster IP: {get.Out}");
                await Task.Delay(100);
            }
        }
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await Lab.DisposeAsync();
    }

    /// <summary>Runs <c>plexus ARGS</c> in-process against the lab's store; <paramref name="stdin"/> feeds <c>-f -</c>.</summary>
    public async Task<(int Code, string Out, string Output)> PlexusAsync(string[] args, string? stdin = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin ?? "");
        var code = await CliApp.RunAsync(args, new CliContext { Out = stdout, Error = stderr, In = input, Store = _store });
        return (code, stdout.ToString(), $"plexus {string.Join(' ', args)}: exit {code}\n{stdout}{stderr}");
    }

    /// <summary>The manifest with <c>{ip:NS/POD}</c> and <c>{pods}</c> filled in.</summary>
    public string Expand(string manifest)
    {
        var text = manifest.Replace("{pods}", PodCidr, StringComparison.Ordinal);
        foreach (var (pod, ip) in _podIps)
        {
            text = text.Replace($"{{ip:{pod}}}", ip, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Deletes every NetworkPolicy in the store.</summary>
    public async Task DeleteAllPoliciesAsync()
    {
        foreach (var kv in (await _store!.ListAsync(ResourceKey.Prefix(ResourceKind.NetworkPolicy))).Items)
        {
            await _store.DeleteAsync(kv.Key);
        }
    }

    /// <summary>Deletes the pod's endpoint through its agent, then creates it again the way the lab does (a pod restart).</summary>
    public async Task RecreateAsync(string pod)
    {
        var lab = LabInstance.Load(Lab.Name);
        var (ns, name) = Split(pod);
        var labPod = lab.Topology.Pods.Single(p => p.Namespace == ns && p.Name == name);
        using (var agent = new AgentClient(lab.NodeOf(labPod).Socket))
        {
            Assert.Equal(200, await agent.DeleteEndpointAsync(ns, name));
        }

        await LabEndpoints.EnsureAsync(lab, labPod, TimeSpan.FromSeconds(20), CancellationToken.None);
        await RefreshPodIpsAsync();
    }

    /// <summary>
    /// Probes every (source, target) pair of <paramref name="probe"/> (pod-to-itself left out) until the results equal
    /// <paramref name="denied"/> or <paramref name="within"/> passes; only mismatching pairs are probed again. Returns
    /// null when they matched, else the pairs that did not, with what each got.
    /// </summary>
    public async Task<string?> ExpectAsync(ConformanceProbe probe, bool[,] denied, TimeSpan within)
    {
        var targets = probe.To?.Split(',').Select(t => t.Trim()).ToHashSet(StringComparer.Ordinal);
        var pods = DenialNotation.Pods;
        var pending = (from s in Enumerable.Range(0, pods.Count)
                       from t in Enumerable.Range(0, pods.Count)
                       where s != t && (targets is null || targets.Contains(pods[t]))
                       select (S: s, T: t)).ToList();
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(Parallelism);
        var last = new Dictionary<(int S, int T), string>();
        while (true)
        {
            var round = Stopwatch.StartNew();
            var results = await Task.WhenAll(pending.Select(async pair =>
            {
                await gate.WaitAsync();
                try
                {
                    var outcome = await NetnsProbe.RunAsync(_netns[pods[pair.S]], new IPEndPoint(_vips[pods[pair.T]], probe.Port), probe.Protocol, ProbeTimeout, CancellationToken.None);
                    var allowed = outcome.Reply == pods[pair.T];
                    var got = outcome.Connected ? $"reply \"{outcome.Reply}\"" : outcome.Error!;
                    return (Pair: pair, Match: allowed != denied[pair.S, pair.T], Got: got);
                }
                finally
                {
                    gate.Release();
                }
            }));
            pending = [.. results.Where(r => !r.Match).Select(r => r.Pair)];
            foreach (var r in results)
            {
                last[r.Pair] = r.Got;
            }

            if (pending.Count == 0)
            {
                return null;
            }

            if (clock.Elapsed >= within)
            {
                return $"{probe}: {pending.Count} pairs differ after {clock.Elapsed.TotalSeconds:0.0} s:\n" + string.Join('\n', pending.Select(p =>
                    $"  {pods[p.S]}→{pods[p.T]}: expected {(denied[p.S, p.T] ? "denied" : "allowed")}, got {last[p]}"));
            }

            // Mismatches that answered at once would spin: give the agents a moment.
            if (round.Elapsed < TimeSpan.FromMilliseconds(200))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    /// <summary>
    /// The flows of <paramref name="probe"/>'s pairs since <paramref name="since"/> (what <c>plexus observe -o json</c>
    /// shows): every pair expected denied has a DROPPED flow with reason 133 and both pods' identities, every pair
    /// expected allowed a FORWARDED one. Waits up to 3 s for the flows; returns null, or what is missing.
    /// </summary>
    public async Task<string?> VerifyFlowsAsync(ConformanceProbe probe, bool[,] denied, DateTimeOffset since)
    {
        var targets = probe.To?.Split(',').Select(t => t.Trim()).ToHashSet(StringComparer.Ordinal);
        var pods = DenialNotation.Pods;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var status = await Lab.StatusAsync();
            var identities = status["pods"]!.AsArray().Select(p => p!.AsObject())
                .ToDictionary(p => $"{p["namespace"]}/{p["name"]}", p => (uint)p["identity"]!, StringComparer.Ordinal);
            var observed = await PlexusAsync(["observe", "--since", since.ToString("O", System.Globalization.CultureInfo.InvariantCulture), "--last", "1000000",
                "--protocol", probe.Protocol, "--to-port", probe.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "json"]);
            if (observed.Code != 0)
            {
                return observed.Output;
            }

            var seen = new HashSet<(string From, string To, string Verdict)>();
            foreach (var line in observed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (JsonNode.Parse(line)?["flow"] is not JsonObject flow || flow["source"]?["pod_name"] is null || flow["destination"]?["pod_name"] is null)
                {
                    continue;
                }

                var from = $"{flow["source"]!["namespace"]}/{flow["source"]!["pod_name"]}";
                var to = $"{flow["destination"]!["namespace"]}/{flow["destination"]!["pod_name"]}";
                var verdict = (string)flow["verdict"]!;
                var wellFormed = verdict != "DROPPED"
                    || ((int?)flow["drop_reason"] == 133 && (uint?)flow["source"]!["identity"] == identities.GetValueOrDefault(from)
                        && (uint?)flow["destination"]!["identity"] == identities.GetValueOrDefault(to));
                if (wellFormed)
                {
                    seen.Add((from, to, verdict));
                }
            }

            var missing = (from s in Enumerable.Range(0, pods.Count)
                           from t in Enumerable.Range(0, pods.Count)
                           where s != t && (targets is null || targets.Contains(pods[t]))
                           let verdict = denied[s, t] ? "DROPPED" : "FORWARDED"
                           where !seen.Contains((pods[s], pods[t], verdict))
                           select $"{pods[s]}→{pods[t]} {verdict}").ToList();
            if (missing.Count == 0)
            {
                return null;
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(3))
            {
                return $"{probe}: no matching flow (reason 133 and both identities for drops) for {missing.Count} pairs: {string.Join(", ", missing.Take(12))}";
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Splits <c>NS/POD</c>.</summary>
    public static (string Namespace, string Pod) Split(string pod) => (pod[..pod.IndexOf('/', StringComparison.Ordinal)], pod[(pod.IndexOf('/', StringComparison.Ordinal) + 1)..]);

    private async Task RefreshPodIpsAsync()
    {
        var status = await Lab.StatusAsync();
        _podIps = status["pods"]!.AsArray().Select(p => p!.AsObject())
            .ToDictionary(p => $"{p["namespace"]}/{p["name"]}", p => (string)p["ip"]!, StringComparer.Ordinal);
    }

    private static string Topology()
    {
        var text = new StringBuilder("""
            apiVersion: plexus.io/v1
            kind: Lab
            metadata: {name: NAME}
            spec:
              clusters:
              - {name: c1, id: 1, nodes: [n1, n2]}
              namespaces:
              - {name: x}
              - {name: y}
              - {name: z}
              pods:

            """);
        for (var i = 0; i < DenialNotation.Pods.Count; i++)
        {
            var (ns, name) = Split(DenialNotation.Pods[i]);
            var ports = Ports(DenialNotation.Pods[i]).Select(p => $"{p.Port}/{p.Protocol}");
            text.Append(CultureInfo($"  - {{name: {name}, namespace: {ns}, node: n{i % 2 + 1}, labels: {{pod: {name}}}, serve: [{string.Join(", ", ports)}]}}\n"));
        }

        return text.ToString();
    }

    private static string CultureInfo(FormattableString text) => FormattableString.Invariant(text);

    private static IEnumerable<(int Port, string Protocol)> Ports(string pod) =>
        from port in pod == "x/a" ? [80, 81, .. ExtraPortsOfA] : new[] { 80, 81 }
        from protocol in new[] { "tcp", "udp" }
        select (port, protocol);

    private static string Service(string pod)
    {
        var (ns, name) = Split(pod);
        var ports = string.Join("\n", Ports(pod).Select(p => CultureInfo($"  - {{name: {p.Protocol}-{p.Port}, port: {p.Port}, targetPort: {p.Port}, protocol: {p.Protocol.ToUpperInvariant()}}}")));
        return $"""
            apiVersion: v1
            kind: Service
            metadata: {"{"}name: s-{ns}-{name}, namespace: {ns}{"}"}
            spec:
              selector: {"{"}pod: {name}{"}"}
              ports:
            {ports}
            ---

            """;
    }
}
