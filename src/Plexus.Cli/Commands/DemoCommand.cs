using System.CommandLine;
using System.Diagnostics;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Output;
using Plexus.Lab.Agents;
using Plexus.Lab.Processes;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Cli.Commands;

/// <summary>
/// <c>plexus demo</c>: the main job at this stage. Starts etcd and two agents in a temporary directory, applies the
/// sample manifests, lists nodes and resources, shows how bad input is reported, survives an etcd restart, and
/// cleans everything up.
/// </summary>
public static class DemoCommand
{
    private static readonly string[] Nodes = ["n1", "n2"];

    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var examples = new Option<string?>("--examples") { Description = "Directory of sample manifests (default: examples/ of the repository)" };
        var command = new Command("demo", "Run the demo: etcd, two agents, sample manifests, nodes and resources") { examples };
        command.SetAction((parse, ct) => CliRunner.RunAsync(context(), c => RunAsync(c, parse.GetValue(examples), ct)));
        return command;
    }

    /// <summary>Runs the demo end to end; returns 0 when every step behaved as expected.</summary>
    public static async Task<int> RunAsync(CliContext context, string? examplesDir, CancellationToken cancellationToken)
    {
        examplesDir ??= Binaries.RepositoryRoot() is { } root ? Path.Combine(root, "examples") : null;
        if (examplesDir is null || !Directory.Exists(Path.Combine(examplesDir, "manifests")))
        {
            throw CliException.BadInput($"--examples: {examplesDir ?? "examples/"} has no manifests/ directory");
        }

        var work = Directory.CreateTempSubdirectory("plexus-demo-").FullName;
        var output = context.Out;
        var failures = 0;
        EtcdServer? etcd = null;
        var agents = new List<AgentProcess>();
        IStore? store = null;
        try
        {
            await Step(output, "starting etcd").ConfigureAwait(false);
            etcd = await EtcdServer.StartNewAsync(Path.Combine(work, "etcd"), cancellationToken: cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"    etcd {etcd.Endpoint}, data in {etcd.WorkDirectory}").ConfigureAwait(false);

            await Step(output, $"starting agents {string.Join(", ", Nodes)} (cluster demo)").ConfigureAwait(false);
            foreach (var node in Nodes)
            {
                agents.Add(AgentProcess.Start(node, "demo", 1, etcd.StoreUrl, Path.Combine(work, node), ["--lease-ttl", "10s"]));
            }

            store = StoreFactory.Create(new StoreOptions { Url = etcd.StoreUrl });
            var demo = new CliContext { Out = output, Error = output, Store = store, Time = context.Time };
            var elapsed = await WaitForNodesAsync(output, store, agents, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"    {Nodes.Length}/{Nodes.Length} nodes registered after {elapsed.TotalSeconds:0.0} s").ConfigureAwait(false);

            var manifests = Path.Combine(examplesDir, "manifests");
            var invalid = Path.Combine(examplesDir, "invalid");
            failures += await Show(demo, "get nodes", 0, () => GetCommand.RunAsync(demo, "nodes", null, null, false, OutputFormat.Table, cancellationToken)).ConfigureAwait(false);
            failures += await Show(demo, $"apply -f {Relative(manifests)}", 0, () => ApplyCommand.RunAsync(demo, [manifests], false, cancellationToken)).ConfigureAwait(false);
            failures += await Show(demo, $"apply -f {Relative(manifests)}   # again: idempotent", 0, () => ApplyCommand.RunAsync(demo, [manifests], false, cancellationToken)).ConfigureAwait(false);
            failures += await Show(demo, "get namespaces", 0, () => GetCommand.RunAsync(demo, "namespaces", null, null, false, OutputFormat.Table, cancellationToken)).ConfigureAwait(false);
            failures += await Show(demo, "get services -A", 0, () => GetCommand.RunAsync(demo, "services", null, null, true, OutputFormat.Table, cancellationToken)).ConfigureAwait(false);
            failures += await Show(demo, "get networkpolicies -A", 0, () => GetCommand.RunAsync(demo, "netpol", null, null, true, OutputFormat.Table, cancellationToken)).ConfigureAwait(false);
            failures += await Show(demo, "get cnp -A", 0, () => GetCommand.RunAsync(demo, "cnp", null, null, true, OutputFormat.Table, cancellationToken)).ConfigureAwait(false);
            failures += await Show(demo, "get ccnp", 0, () => GetCommand.RunAsync(demo, "ccnp", null, null, false, OutputFormat.Table, cancellationToken)).ConfigureAwait(false);
            failures += await Show(demo, "get cnp api-allow-frontend -n shop -o yaml", 0, () => GetCommand.RunAsync(demo, "cnp", "api-allow-frontend", "shop", false, OutputFormat.Yaml, cancellationToken)).ConfigureAwait(false);
            if (Directory.Exists(invalid))
            {
                failures += await Show(demo, $"apply --dry-run -f {Relative(invalid)}   # bad input: every error, exit 2, nothing stored", ExitCodes.BadInput,
                    () => ApplyCommand.RunAsync(demo, [invalid], true, cancellationToken)).ConfigureAwait(false);
            }

            await ShowAgentsAsync(output, agents, cancellationToken).ConfigureAwait(false);
            failures += await StoreOutageAsync(output, etcd, store, agents, cancellationToken).ConfigureAwait(false);
            failures += await Show(demo, "get nodes", 0, () => GetCommand.RunAsync(demo, "nodes", null, null, false, OutputFormat.Table, cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            await Step(output, "cleaning up").ConfigureAwait(false);
            if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var agent in agents)
            {
                await agent.DisposeAsync().ConfigureAwait(false);
            }

            if (etcd is not null)
            {
                await etcd.DisposeAsync().ConfigureAwait(false);
            }

            Directory.Delete(work, recursive: true);
        }

        await output.WriteLineAsync(failures == 0
            ? "demo finished: every step behaved as expected"
            : $"demo finished with {failures} unexpected result(s)").ConfigureAwait(false);
        return failures == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static async Task<TimeSpan> WaitForNodesAsync(TextWriter output, IStore store, List<AgentProcess> agents, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var registered = (await store.ListAsync(StoreKeys.NodesPrefix("demo"), cancellationToken).ConfigureAwait(false)).Items.Count;
            if (registered == agents.Count)
            {
                return clock.Elapsed;
            }

            if (agents.FirstOrDefault(a => !a.IsRunning) is { } dead)
            {
                throw CliException.Failed($"agent {dead.Node} exited with code {dead.ExitCode}; see {dead.LogFile}:\n{await TailAsync(dead.LogFile).ConfigureAwait(false)}");
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw CliException.Failed($"only {registered}/{agents.Count} nodes registered within 30 s");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ShowAgentsAsync(TextWriter output, List<AgentProcess> agents, CancellationToken cancellationToken)
    {
        await Step(output, "agent status (GET /v1/status on each agent's unix socket)").ConfigureAwait(false);
        var table = new Table("NODE", "PID", "STORE", "LEASE", "UPTIME", "SOCKET");
        foreach (var agent in agents)
        {
            using var client = new AgentClient(agent.ApiSocket);
            var status = await client.StatusAsync(cancellationToken).ConfigureAwait(false);
            var storeView = status["store"]!;
            table.Add(agent.Node, agent.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                storeView["connected"]!.GetValue<bool>() ? "connected" : "unreachable",
                storeView["lease"]!.ToString(), $"{status["uptimeSeconds"]}s", agent.ApiSocket);
        }

        await output.WriteAsync(table.ToString()).ConfigureAwait(false);
    }

    /// <summary>Stops etcd for a few seconds and shows every agent reconnecting and its node record present again.</summary>
    private static async Task<int> StoreOutageAsync(TextWriter output, EtcdServer etcd, IStore store, List<AgentProcess> agents, CancellationToken cancellationToken)
    {
        await Step(output, "store outage: etcd killed for 3 s; agents keep retrying and register again").ConfigureAwait(false);
        etcd.Stop();
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        await etcd.StartAsync(cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var pending = agents.ToList();
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            foreach (var agent in pending.ToList())
            {
                using var client = new AgentClient(agent.ApiSocket);
                var view = (await client.StatusAsync(cancellationToken).ConfigureAwait(false))["store"]!;
                if (view["connected"]!.GetValue<bool>() && view["reconnects"]!.GetValue<int>() > 0)
                {
                    await output.WriteLineAsync($"    {agent.Node}: reconnected and registered again {clock.Elapsed.TotalSeconds:0.0} s after etcd came back").ConfigureAwait(false);
                    pending.Remove(agent);
                }
            }

            if (pending.Count == 0 &&
                (await store.ListAsync(StoreKeys.NodesPrefix("demo"), cancellationToken).ConfigureAwait(false)).Items.Count == agents.Count)
            {
                return 0;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"    UNEXPECTED: {string.Join(", ", pending.Select(a => a.Node))} did not reconnect within 15 s").ConfigureAwait(false);
        return 1;
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

    private static async Task<string> TailAsync(string file)
    {
        var lines = await File.ReadAllLinesAsync(file).ConfigureAwait(false);
        return string.Join('\n', lines.TakeLast(10));
    }
}
