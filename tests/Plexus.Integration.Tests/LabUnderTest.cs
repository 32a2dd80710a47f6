using System.Text.Json.Nodes;
using Plexus.Integration.Tests.Support;
using Plexus.Interop.Namespaces;
using Plexus.Lab.Runtime;
using Plexus.Lab.Topology;

namespace Plexus.Integration.Tests;

/// <summary>Lab tests build namespaces, processes and pins machine-wide: they run one at a time, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LabCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "lab";
}

/// <summary>
/// A lab with a unique short name (<c>t</c> + 5 letters) built from a topology file through <c>bin/plexus</c>, and
/// always torn down on dispose, first by <c>plexus lab down</c>, then in-process should that fail.
/// </summary>
public sealed class LabUnderTest : IAsyncDisposable
{
    /// <summary>A two-node cluster with a pod on each node and an external host.</summary>
    public const string SmallTopology = """
        apiVersion: plexus.io/v1
        kind: Lab
        metadata: {name: NAME}
        spec:
          clusters:
          - {name: c1, id: 1, nodes: [n1, n2]}
          namespaces:
          - {name: x, labels: {team: blue}}
          pods:
          - {name: a, namespace: x, node: n1, labels: {pod: a}, serve: [80/tcp, 80/udp]}
          - {name: b, namespace: x, node: n2, labels: {pod: b}, serve: [{port: 8080, protocol: tcp, name: http}]}
          externals:
          - {name: world1, address: 198.51.100.10, serve: [80/tcp, 80/udp]}
        """;

    private readonly TempDir _dir = new();

    /// <summary>Writes <paramref name="topology"/> with <c>NAME</c> replaced by a fresh lab name.</summary>
    public LabUnderTest(string topology)
    {
        Name = "t" + new string(Enumerable.Range(0, 5).Select(_ => (char)('a' + Random.Shared.Next(26))).ToArray());
        File = _dir.Write("lab.yaml", topology.Replace("NAME", Name, StringComparison.Ordinal));
    }

    /// <summary>The lab's name.</summary>
    public string Name { get; }

    /// <summary>The topology file.</summary>
    public string File { get; }

    /// <summary>The lab's state directory.</summary>
    public LabPaths Paths => new(Name);

    /// <summary>A lab built from the repository's <c>labs/<paramref name="file"/></c>, renamed.</summary>
    public static LabUnderTest FromRepository(string file)
    {
        var text = System.IO.File.ReadAllText(Path.Combine(Plexus.Lab.Processes.Binaries.RepositoryRoot()!, "labs", file));
        return new LabUnderTest(System.Text.RegularExpressions.Regex.Replace(text, @"metadata: \{name: [a-z0-9-]+\}", "metadata: {name: NAME}"));
    }

    /// <summary>Link names of the root namespace (what <c>ip link</c> lists), to compare before and after a lab.</summary>
    public static string[] RootLinks() =>
        [.. Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    /// <summary><c>plexus lab up -f FILE -o json</c>; asserts success and returns the status JSON it printed.</summary>
    public async Task<JsonObject> UpAsync()
    {
        var result = await PlexusAsync("lab", "up", "-f", File, "-o", "json", "--timeout", "50s");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.Stdout)!.AsObject();
    }

    /// <summary><c>plexus lab status NAME -o json</c>.</summary>
    public async Task<JsonObject> StatusAsync()
    {
        var result = await PlexusAsync("lab", "status", Name, "-o", "json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.Stdout)!.AsObject();
    }

    /// <summary>Runs <c>bin/plexus --lab NAME …</c>, so other labs on the machine do not matter (and no config file: HOME is empty).</summary>
    public Task<Cli.Result> PlexusAsync(params string[] args) =>
        Cli.RunAsync("plexus", ["--lab", Name, .. args], env: new Dictionary<string, string> { ["HOME"] = _dir.Path });

    /// <summary>The pod's entry of a status document.</summary>
    public static JsonObject Pod(JsonObject status, string ns, string name) =>
        status["pods"]!.AsArray().Select(p => p!.AsObject()).Single(p => (string?)p["namespace"] == ns && (string?)p["name"] == name);

    /// <summary>Asserts nothing of the lab is left: namespaces, supervisor, <paramref name="pids"/>, pins, state.</summary>
    public void AssertGone(IEnumerable<int> pids)
    {
        Assert.DoesNotContain(NetNs.List(), n => n.StartsWith(LabNames.Prefix(Name), StringComparison.Ordinal));
        Assert.Empty(SupervisorProcess.Find(Name));
        Assert.All(pids, pid => Assert.False(ProcessTable.IsAlive(pid), $"pid {pid} still runs"));
        Assert.False(Directory.Exists(Paths.Directory), $"{Paths.Directory} still exists");
        Assert.False(Directory.Exists(LabPaths.PinRoot) && Directory.EnumerateDirectories(LabPaths.PinRoot, Name + "-*").Any(), "pin directories left");
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cli.RunAsync("plexus", ["lab", "down", Name]);
        }
        finally
        {
            await LabTeardown.DownAsync(Name);
            _dir.Dispose();
        }
    }
}
