using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Resources;
using Plexus.Datapath;
using Plexus.Datapath.Node;
using Plexus.Datapath.Policy;
using Plexus.Interop.Bpf;
using Plexus.Interop.Namespaces;
using Plexus.Model;
using Plexus.Store;

namespace Plexus.Cli.Bench;

/// <summary>
/// Policy at scale and policy change latency; Plexus only (kube-proxy and a bridge have no policy to compare with).
/// <list type="number">
/// <item>Compile and program: for 1k and 10k identities × 100 and 1,000 rules (<see cref="PolicyWorkload"/>), a fresh
/// <see cref="Plexus.Policy.PolicyRepository"/> is fed everything and computes the 100 local endpoints (what an agent
/// does after a restart); the entries are then written into a real <c>plx_policy</c> LPM trie (the lxc object loaded
/// with a larger policy map, pinned under a throwaway bpffs directory) through <see cref="PolicyMaps"/>, as the
/// agent programs them. Figures: compile ms, entries over all endpoints, program ms (medians over the repetitions).</item>
/// <item>Change → enforced: on the bench lab, one CiliumNetworkPolicy on the server pod is replaced by its deny and
/// its allow version in turn (50 changes, <c>--quick</c> 20), written to the store as <c>plexus apply</c> does; the
/// clock starts before the write and stops at the start of the first of three consecutive connection attempts (a
/// new one every 10 ms, each given 50 ms) from the client pod that see the new verdict. Figures: p50 and p99.</item>
/// </list>
/// </summary>
public sealed class PolicyScenario : BenchScenario
{
    private const int Port = 7200;
    private const int FullChanges = 50;
    private const int QuickChanges = 20;
    private const int Confirmations = 3;
    private const int MapCapacity = 1 << 18;
    private const string PolicyName = "bench-policy";

    private static readonly (int Identities, int Rules)[] Sizes = [(1_000, 100), (1_000, 1_000), (10_000, 100), (10_000, 1_000)];
    private static readonly TimeSpan AttemptInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan ObserveTimeout = TimeSpan.FromSeconds(10);
    private readonly Dictionary<(int, int), PolicyWorkload> _workloads = [];

    /// <inheritdoc/>
    public override string Name => "policy";

    /// <inheritdoc/>
    public override bool HasBaseline => false;

    /// <summary>The compile figures, three per size.</summary>
    public static IReadOnlyList<BenchMetric> CompileMetrics { get; } =
    [
        .. Sizes.SelectMany(s => new BenchMetric[]
        {
            new($"compile {Label(s.Identities, s.Rules)}", "ms"),
            new($"entries {Label(s.Identities, s.Rules)}", "entries"),
            new($"program {Label(s.Identities, s.Rules)}", "ms"),
        }),
    ];

    /// <summary>The change → enforced figures.</summary>
    public static IReadOnlyList<BenchMetric> ChangeMetrics { get; } = [new("change to enforced p50", "ms"), new("change to enforced p99", "ms")];

    /// <inheritdoc/>
    public override IReadOnlyList<BenchMetric> Metrics { get; } = [.. CompileMetrics, .. ChangeMetrics];

    /// <summary><c>10k ids x 1000 rules</c>.</summary>
    public static string Label(int identities, int rules) => string.Create(CultureInfo.InvariantCulture,
        $"{(identities % 1000 == 0 ? $"{identities / 1000}k" : identities.ToString(CultureInfo.InvariantCulture))} ids x {rules} rules");

    /// <summary>How many policy changes the latency figures are taken over.</summary>
    public static int Changes(BenchSettings settings) => settings.Quick ? QuickChanges : FullChanges;

    /// <summary>p50 and p99 (nearest rank) of change → enforced samples in milliseconds.</summary>
    public static double[] Summarize(IReadOnlyList<double> samples) => [BenchResult.Percentile(samples, 50), BenchResult.Percentile(samples, 99)];

    /// <summary>
    /// The index of the first attempt of <paramref name="outcomes"/> (in start order, null = still running) that begins
    /// <paramref name="run"/> consecutive finished attempts equal to <paramref name="wanted"/>; -1 when there is none yet.
    /// </summary>
    public static int FirstSettled(IReadOnlyList<bool?> outcomes, bool wanted, int run)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var streak = 0;
        for (var i = 0; i < outcomes.Count; i++)
        {
            streak = outcomes[i] == wanted ? streak + 1 : 0;
            if (streak == run)
            {
                return i - run + 1;
            }
        }

        return -1;
    }

    /// <inheritdoc/>
    public override Task<BenchProcess?> StartServerAsync(BenchBed bed, CancellationToken cancellationToken) => Task.FromResult<BenchProcess?>(null);

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<BenchResult>> RunAsync(BenchBed plexus, BenchBed baseline, BenchSettings settings, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plexus);
        ArgumentNullException.ThrowIfNull(progress);
        // JIT and first-use costs would otherwise land in the first repetition's figures
        PolicyWorkload.Create(1_000, 100).Load().Compute();
        var compile = await RepeatAsync([plexus], CompileMetrics, "policy compile", settings, progress, cancellationToken).ConfigureAwait(false);
        var changes = await MeasureChangesAsync(plexus, Changes(settings), progress, cancellationToken).ConfigureAwait(false);
        var values = compile.Medians(plexus).Concat(Summarize(changes)).ToArray();
        return [.. Metrics.Select((m, i) => new BenchResult(Name, m.Name, m.Unit, values[i], null))];
    }

    /// <summary>One repetition of the compile figures: compile ms, entries and program ms per size.</summary>
    public override Task<double[]> MeasureAsync(BenchBed bed, BenchSettings settings, CancellationToken cancellationToken)
    {
        var values = new List<double>();
        using var scratch = ScratchPolicyMaps.Load(MapCapacity);
        foreach (var (identities, rules) in Sizes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_workloads.TryGetValue((identities, rules), out var workload))
            {
                _workloads[(identities, rules)] = workload = PolicyWorkload.Create(identities, rules);
            }

            GC.Collect();
            var clock = Stopwatch.StartNew();
            var repository = workload.Load();
            var update = repository.Compute();
            var compiled = clock.Elapsed;
            var entries = update.Changed.Sum(p => p.Entries.Count);

            clock.Restart();
            foreach (var policy in update.Changed)
            {
                var result = scratch.Maps.Sync(policy);
                if (!result.Succeeded)
                {
                    throw new BenchException($"programming endpoint {policy.EndpointId} ({policy.Entries.Count} entries) failed: {result.Error} {result.Message}");
                }
            }

            var programmed = clock.Elapsed;
            foreach (var policy in update.Changed)
            {
                scratch.Maps.Remove(policy.EndpointId);
            }

            values.AddRange([compiled.TotalMilliseconds, entries, programmed.TotalMilliseconds]);
        }

        return Task.FromResult(values.ToArray());
    }

    private static string Manifest(bool deny) => $$$"""
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: {{{PolicyName}}}, namespace: {{{PlexusServices.Namespace}}}}
        spec:
          endpointSelector: {matchLabels: {role: server}}
          {{{(deny ? "ingressDeny" : "ingress")}}}:
          - fromEndpoints: [{matchLabels: {role: client}}]
            toPorts: [{ports: [{port: "{{{Port}}}", protocol: TCP}]}]
        """;

    private static Resource Parse(bool deny)
    {
        var parsed = ManifestLoader.Parse(Manifest(deny), "bench-policy.yaml");
        return parsed.Errors.Count == 0 ? parsed.Resources.Single() : throw new BenchException($"bench policy invalid: {string.Join("; ", parsed.Errors)}");
    }

    // Alternates the deny and the allow version of one policy on the server pod and times each until the client sees
    // it; the policy is deleted at the end (also on failure) and the path is open again before the next scenario.
    private static async Task<List<double>> MeasureChangesAsync(BenchBed bed, int changes, Action<string> progress, CancellationToken cancellationToken)
    {
        var lab = bed.Lab ?? throw new BenchException($"{bed.Name} has no control plane to change policy through");
        Resource[] versions = [Parse(deny: false), Parse(deny: true)];
        using var listener = PodListener.Open(bed.ServerNetns, Port, Encoding.ASCII.GetBytes("bench/server"));
        using var client = NetNs.Open(bed.ClientNetns);
        var target = new IPEndPoint(bed.ServerIp, Port);
        var store = StoreFactory.Create(StoreLocator.LabStore(lab.Name, "the bench lab"));
        await using var _ = store.ConfigureAwait(false);
        var repository = new ResourceRepository(store, TimeProvider.System);
        var samples = new List<double>();
        try
        {
            await repository.ApplyAsync(versions[0], cancellationToken).ConfigureAwait(false);
            await ObserveAsync(client, target, open: true, Stopwatch.StartNew(), "the first allow", cancellationToken).ConfigureAwait(false);
            for (var i = 1; i <= changes; i++)
            {
                var deny = i % 2 == 1;
                var clock = Stopwatch.StartNew();
                await repository.ApplyAsync(versions[deny ? 1 : 0], cancellationToken).ConfigureAwait(false);
                var seen = await ObserveAsync(client, target, open: !deny, clock, $"change {i.ToString(CultureInfo.InvariantCulture)}", cancellationToken).ConfigureAwait(false);
                samples.Add(seen.TotalMilliseconds);
                if (i % 10 == 0 || i == changes)
                {
                    progress($"policy change {i.ToString(CultureInfo.InvariantCulture)}/{changes.ToString(CultureInfo.InvariantCulture)}: {(deny ? "deny" : "allow")} enforced after {BenchResult.Format(seen.TotalMilliseconds)} ms");
                }
            }
        }
        finally
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await repository.DeleteAsync(ResourceKind.CiliumNetworkPolicy, PlexusServices.Namespace, PolicyName, limit.Token).ConfigureAwait(false);
                if (!cancellationToken.IsCancellationRequested)
                {
                    await ObserveAsync(client, target, open: true, Stopwatch.StartNew(), "the policy's removal", limit.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is BenchException or OperationCanceledException or StoreUnavailableException)
            {
                progress($"warning: removing policy {PlexusServices.Namespace}/{PolicyName} from the bench lab: {e.Message}");
            }
        }

        return samples;
    }

    // Starts an attempt every AttemptInterval until Confirmations consecutive ones (in start order) see the wanted
    // verdict; returns when the first of them started. Waits for the attempts in flight, so no socket outlives it.
    private static async Task<TimeSpan> ObserveAsync(NetNsHandle client, IPEndPoint target, bool open, Stopwatch clock, string what, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var attempts = new List<(TimeSpan Started, Task<bool> Result)>();
        try
        {
            while (clock.Elapsed < ObserveTimeout)
            {
                attempts.Add((clock.Elapsed, PodConnect.AttemptAsync(client, target, stop.Token)));
                await Task.Delay(AttemptInterval, cancellationToken).ConfigureAwait(false);
                var outcomes = attempts.Select(a => a.Result.IsCompleted ? a.Result.Result : (bool?)null).ToList();
                if (FirstSettled(outcomes, open, Confirmations) is >= 0 and var first)
                {
                    return attempts[first].Started;
                }
            }

            throw new BenchException($"{what}: the client did not see the {(open ? "allow" : "deny")} within {ObserveTimeout.TotalSeconds:0} s");
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(attempts.Select(a => a.Result)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The lxc object loaded on its own with a policy map of <c>capacity</c> entries, its maps pinned under a throwaway
    /// bpffs directory that <see cref="Dispose"/> removes: the real map type and key layout, apart from any lab.
    /// </summary>
    private sealed class ScratchPolicyMaps : IDisposable
    {
        private readonly BpfObject _object;
        private readonly string _pins;

        private ScratchPolicyMaps(BpfObject obj, string pins)
        {
            (_object, _pins) = (obj, pins);
            Maps = new PolicyMaps(obj.GetMap(MapNames.Policy), obj.GetMap(MapNames.PolicyState));
        }

        public PolicyMaps Maps { get; }

        public static ScratchPolicyMaps Load(int capacity)
        {
            var pins = Path.Combine(BpfFs.DefaultPath, "plexus-bench-policy-" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz", 6));
            Directory.CreateDirectory(pins);
            BpfObject? obj = null;
            try
            {
                obj = BpfObject.Open(InstallPaths.BpfObject(ProgramNames.LxcObject), new BpfObjectOptions { PinRootPath = pins });
                obj.SetConstant("CONFIG_MAGLEV_M", (uint)PlexusBed.MaglevTableSize);
                obj.GetMap(MapNames.LbMaglev).SetValueSize(sizeof(uint) * PlexusBed.MaglevTableSize);
                obj.GetMap(MapNames.Policy).SetMaxEntries(capacity);
                obj.Load();
                return new ScratchPolicyMaps(obj, pins);
            }
            catch (Exception e) when (e is BpfException or IOException or UnauthorizedAccessException)
            {
                obj?.Dispose();
                Directory.Delete(pins, recursive: true);
                throw new BenchException($"loading a scratch policy map: {e.Message}");
            }
        }

        public void Dispose()
        {
            _object.Dispose();
            Directory.Delete(_pins, recursive: true);
        }
    }
}
