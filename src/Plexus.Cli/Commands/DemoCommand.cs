using System.CommandLine;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Output;
using Plexus.Flows;
using Plexus.Lab.Processes;
using Plexus.Lab.Runtime;
using Plexus.Model;

namespace Plexus.Cli.Commands;

/// <summary>
/// <c>plexus demo</c>: the main job. Builds the demo lab (one cluster, two nodes, four pods, an external host),
/// shows the nodes' datapath status, endpoints and identities, runs a connectivity matrix over the eBPF datapath,
/// applies the sample manifests through the lab's store and shows how bad input is reported. Tears the lab down
/// at the end unless <c>--keep</c>.
/// </summary>
public static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var file = new Option<string?>("--file", "-f") { Description = "Lab topology (default: labs/demo.yaml of the repository)" };
        var examples = new Option<string?>("--examples") { Description = "Directory of sample manifests (default: examples/ of the repository)" };
        var keep = new Option<bool>("--keep") { Description = "Leave the lab running to explore it (remove it with: plexus lab down)" };
        var command = new Command("demo", "Run the demo: a lab with pods on two nodes, status, a connectivity matrix, sample manifests") { file, examples, keep };
        command.SetAction((parse, ct) => CliRunner.RunAsync(context(), c => RunAsync(c, parse.GetValue(file), parse.GetValue(examples), parse.GetValue(keep), ct)));
        return command;
    }

    /// <summary>Runs the demo; 0 when every step behaved as expected.</summary>
    public static async Task<int> RunAsync(CliContext context, string? file, string? examplesDir, bool keep, CancellationToken cancellationToken)
    {
        var root = Binaries.RepositoryRoot();
        file ??= root is null ? null : Path.Combine(root, "labs", "demo.yaml");
        examplesDir ??= root is null ? null : Path.Combine(root, "examples");
        if (file is null || !File.Exists(file))
        {
            throw CliException.BadInput($"--file: {file ?? "labs/demo.yaml"} not found");
        }

        if (examplesDir is null || !Directory.Exists(Path.Combine(examplesDir, "manifests")))
        {
            throw CliException.BadInput($"--examples: {examplesDir ?? "examples/"} has no manifests/ directory");
        }

        var parsed = LabLoader.Parse(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), file);
        if (!parsed.Ok)
        {
            return await LabUpCommand.RunAsync(context, file, OutputFormat.Table, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
        }

        var topology = parsed.Lab!;
        var output = context.Out;
        var lab = new CliContext { Out = output, Error = output, Time = context.Time, LabFlag = topology.Name };
        var failures = 0;
        try
        {
            await Step(output, $"lab {topology.Name}: {topology.Clusters.Sum(c => c.Nodes.Count)} nodes, {topology.Pods.Count} pods, " +
                $"{topology.Externals.Count} external host(s), one network namespace each").ConfigureAwait(false);
            failures += await Show(lab, $"lab up -f {Relative(file)}", 0,
                () => LabUpCommand.RunAsync(lab, file, OutputFormat.Table, TimeSpan.FromMinutes(2), cancellationToken)).ConfigureAwait(false);
            failures += await Show(lab, "status   # per node: agent, store, eBPF programs attached, map fill levels", 0,
                () => StatusCommand.RunAsync(lab, OutputFormat.Table, cancellationToken)).ConfigureAwait(false);
            failures += await Show(lab, "endpoints", 0, () => EndpointsCommand.RunAsync(lab, OutputFormat.Table, cancellationToken)).ConfigureAwait(false);
            failures += await Show(lab, "identities", 0, () => IdentitiesCommand.RunAsync(lab, OutputFormat.Table, cancellationToken)).ConfigureAwait(false);
            failures += await MatrixAsync(output, topology, cancellationToken).ConfigureAwait(false);

            var manifests = Path.Combine(examplesDir, "manifests");
            var invalid = Path.Combine(examplesDir, "invalid");
            failures += await Show(lab, $"apply -f {Relative(manifests)}", 0, () => ApplyCommand.RunAsync(lab, [manifests], false, cancellationToken)).ConfigureAwait(false);
            failures += await Show(lab, "get cnp -A", 0, () => GetCommand.RunAsync(lab, "cnp", null, null, true, OutputFormat.Table, cancellationToken)).ConfigureAwait(false);
            failures += await Show(lab, "get netpol -A", 0, () => GetCommand.RunAsync(lab, "netpol", null, null, true, OutputFormat.Table, cancellationToken)).ConfigureAwait(false);
            failures += await ServicesAsync(lab, topology, cancellationToken).ConfigureAwait(false);
            if (Directory.Exists(invalid))
            {
                failures += await Show(lab, $"apply --dry-run -f {Relative(invalid)}   # bad input: every error, exit 2, nothing stored", ExitCodes.BadInput,
                    () => ApplyCommand.RunAsync(lab, [invalid], true, cancellationToken)).ConfigureAwait(false);
            }
        }
        finally
        {
            if (keep)
            {
                await Step(output, $"lab {topology.Name} keeps running. Try:").ConfigureAwait(false);
                await output.WriteLineAsync($"""
                        bin/plexus lab status
                        bin/plexus lab exec shop/frontend -- ping -c 3 <ip of shop/api>
                        bin/plexus lab probe shop/frontend shop/api:8080/tcp
                        bin/plexus lab probe shop/frontend 198.51.100.10:80/tcp     # masqueraded: the host sees the node address
                        bin/plexus services                                          # frontends, backends, connections per backend
                        bin/plexus get service api -n shop -o json                   # spec.clusterIP filled in
                        bin/plexus get nodes
                        bin/plexus observe --follow                                  # flows as they happen (Ctrl-C to stop)
                        bin/plexus observe --verdict DROPPED -o json                 # Hubble's JSON, one flow per line
                        bin/plexus policy trace --from shop/api --to payments/ledger --port 9000/tcp
                        bin/plexus lab down {topology.Name}
                    """).ConfigureAwait(false);
            }
            else
            {
                failures += await Show(lab, $"lab down {topology.Name}   # namespaces, processes, pinned maps: all gone", 0,
                    () => LabDownCommand.RunAsync(lab, topology.Name, false)).ConfigureAwait(false);
            }
        }

        await output.WriteLineAsync(failures == 0
            ? "\ndemo finished: every step behaved as expected"
            : $"\ndemo finished with {failures} unexpected result(s)").ConfigureAwait(false);
        return failures == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>The Services just applied, served by the eBPF datapath: a ClusterIP from a pod, a NodePort from the external host.</summary>
    private static async Task<int> ServicesAsync(CliContext lab, LabTopology topology, CancellationToken cancellationToken)
    {
        if (!topology.Pods.Any(p => p.FullName == "shop/frontend") || topology.Externals.Count == 0)
        {
            return 0; // not the demo topology: nothing to show
        }

        await Step(lab.Out, "services: Maglev load balancing in eBPF (ClusterIP from a pod, NodePort from the host outside the mesh)").ConfigureAwait(false);
        // The agents allocate addresses and program the maps within about a second of the apply: wait for shop/api's.
        var quiet = new CliContext { Out = new StringWriter(), Error = new StringWriter(), Time = lab.Time, LabFlag = lab.LabFlag };
        string? vip = null;
        for (var i = 0; i < 40 && vip is null; i++)
        {
            var api = new StringWriter();
            var json = new CliContext { Out = api, Error = new StringWriter(), Time = lab.Time, LabFlag = lab.LabFlag };
            if (await GetCommand.RunAsync(json, "service", "api", "shop", false, OutputFormat.Json, cancellationToken).ConfigureAwait(false) == 0)
            {
                vip = System.Text.Json.Nodes.JsonNode.Parse(api.ToString())?["spec"]?["clusterIP"]?.GetValue<string>();
            }

            if (vip is null)
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
        }

        var failures = await Show(lab, "services", 0, () => ServicesCommand.RunAsync(lab, null, OutputFormat.Table, cancellationToken)).ConfigureAwait(false);
        if (vip is null)
        {
            await lab.Out.WriteLineAsync("UNEXPECTED: service shop/api got no cluster IP within 10 s").ConfigureAwait(false);
            return failures + 1;
        }

        // Applied Services are programmed within about a second: wait for the first answer before showing the probe.
        var target = $"{vip}:8080/tcp";
        for (var i = 0; i < 20 && await LabProbeCommand.RunAsync(quiet, "shop/frontend", target, "500ms", cancellationToken).ConfigureAwait(false) != 0; i++)
        {
            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }

        failures += await Show(lab, $"lab probe shop/frontend {target}   # service shop/api by its cluster IP", 0,
            () => LabProbeCommand.RunAsync(lab, "shop/frontend", target, "2s", cancellationToken)).ConfigureAwait(false);
        var status = await LabStatus.CollectAsync(new LabInstance(topology), cancellationToken).ConfigureAwait(false);
        var node = status.Nodes.Last().Address;
        var external = topology.Externals[0].Name;
        failures += await Show(lab, $"lab exec ext/{external} -- plexus-probe connect {node}:30080   # service shop/frontend by its node port, from outside", 0,
            () => LabExecCommand.RunAsync(lab, $"ext/{external}", ["plexus-probe", "connect", $"{node}:30080", "--timeout", "2s"])).ConfigureAwait(false);

        await Step(lab.Out, "policy: enforced in eBPF on the first packet of each connection (payments is default-deny; only shop/api may reach the ledger)").ConfigureAwait(false);
        failures += await Show(lab, "lab probe shop/api payments/ledger:9000/tcp   # allowed by NetworkPolicy ledger-from-shop-api", 0,
            () => LabProbeCommand.RunAsync(lab, "shop/api", "payments/ledger:9000/tcp", "2s", cancellationToken)).ConfigureAwait(false);
        failures += await Show(lab, "lab probe payments/audit payments/ledger:9000/tcp   # denied: no rule allows it (drop reason 133)", 1,
            () => LabProbeCommand.RunAsync(lab, "payments/audit", "payments/ledger:9000/tcp", "1s", cancellationToken)).ConfigureAwait(false);
        failures += await Show(lab, "policy trace --from payments/audit --to payments/ledger --port 9000/tcp   # why: the rules each side's agent enforces", 1,
            () => PolicyCommand.RunTraceAsync(lab, "payments/audit", "payments/ledger", "9000/tcp", OutputFormat.Table, cancellationToken)).ConfigureAwait(false);

        await Step(lab.Out, "flows: every drop and new connection in Hubble's shape, from every node (the agents read the datapath's events)").ConfigureAwait(false);
        var errors = new List<string>();
        var toLedger = new FlowQuery { Include = FlowFilter.Create([("to-pod", "payments/ledger"), ("to-port", "9000")], errors), Last = 6 };
        failures += await Show(lab, "observe --to-pod payments/ledger --to-port 9000 --last 6   # the allowed and the denied connection, and the policy that decided", 0,
            () => ObserveCommand.RunAsync(lab, toLedger, "compact", cancellationToken)).ConfigureAwait(false);
        return failures;
    }

    private static async Task<int> MatrixAsync(TextWriter output, LabTopology topology, CancellationToken cancellationToken)
    {
        await Step(output, "connectivity matrix: every pod to every served port (plexus-probe inside the pods, over the eBPF datapath)").ConfigureAwait(false);
        var lab = new LabInstance(topology);
        var status = await LabStatus.CollectAsync(lab, cancellationToken).ConfigureAwait(false);
        var probes = await ConnectivityMatrix.RunAsync(lab, status, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        var columns = probes.Select(p => p.Column).Distinct().ToList();
        var table = new Table(["FROM \\ TO", .. columns]);
        foreach (var source in topology.Pods)
        {
            table.Add([source.FullName, .. columns.Select(c => probes.FirstOrDefault(p => p.From == source.FullName && p.Column == c) is { } p ? (p.Connected ? "ok" : "FAIL") : "-")]);
        }

        await output.WriteAsync(table.ToString()).ConfigureAwait(false);
        var failed = probes.Count(p => !p.Connected);
        await output.WriteLineAsync($"{probes.Count - failed}/{probes.Count} connected (same node, across nodes over VXLAN, and out to the external host)").ConfigureAwait(false);
        return failed == 0 ? 0 : 1;
    }

    private static async Task<int> Show(CliContext demo, string commandLine, int expectedExit, Func<Task<int>> run)
    {
        await demo.Out.WriteLineAsync().ConfigureAwait(false);
        await demo.Out.WriteLineAsync($"$ plexus {commandLine}").ConfigureAwait(false);
        var exit = await CliRunner.RunAsync(demo, _ => run()).ConfigureAwait(false);
        if (exit == expectedExit)
        {
            if (exit != 0)
            {
                await demo.Out.WriteLineAsync($"(exit code {exit}, as expected)").ConfigureAwait(false);
            }

            return 0;
        }

        await demo.Out.WriteLineAsync($"UNEXPECTED: exit code {exit}, expected {expectedExit}").ConfigureAwait(false);
        return 1;
    }

    private static Task Step(TextWriter output, string text) => output.WriteLineAsync($"\n==> {text}");

    private static string Relative(string path) =>
        Binaries.RepositoryRoot() is { } root ? Path.GetRelativePath(root, path) : path;
}
