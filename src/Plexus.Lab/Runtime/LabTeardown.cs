using Plexus.Lab.Topology;

namespace Plexus.Lab.Runtime;

/// <summary>
/// Removes a lab from any state, also after <c>kill -9</c> of the CLI or the supervisor and without a state
/// directory: stop the supervisor (found through /proc), kill whatever runs in the lab's namespaces and delete them
/// (found by name prefix), remove the agents' pin directories, then the state directory.
/// </summary>
public static class LabTeardown
{
    private static readonly TimeSpan SupervisorGrace = TimeSpan.FromSeconds(20);

    /// <summary>What a teardown removed.</summary>
    public sealed record Report(string Lab, IReadOnlyList<int> Supervisors, IReadOnlyList<string> Namespaces, IReadOnlyList<string> PinDirectories, bool StateDirectory)
    {
        /// <summary>Whether anything was there to remove.</summary>
        public bool RemovedAnything => Supervisors.Count + Namespaces.Count + PinDirectories.Count > 0 || StateDirectory;
    }

    /// <summary>Tears lab <paramref name="name"/> down; idempotent.</summary>
    public static async Task<Report> DownAsync(string name)
    {
        var lab = LabInstance.TryLoad(name);
        var supervisors = await SupervisorProcess.StopAsync(name, SupervisorGrace).ConfigureAwait(false);
        var namespaces = await LabNetwork.DestroyAsync(name, lab?.Topology).ConfigureAwait(false);
        var pins = RemovePins(name, lab);
        var paths = new LabPaths(name);
        var state = Directory.Exists(paths.Directory);
        if (state)
        {
            Directory.Delete(paths.Directory, recursive: true);
        }

        return new Report(name, supervisors, namespaces, pins, state);
    }

    // The pin directories of the lab's nodes: those of the topology when known, and every <lab>-* (stale ones of an
    // earlier run) that does not belong to another lab whose name starts with "<lab>-".
    private static List<string> RemovePins(string name, LabInstance? lab)
    {
        if (!Directory.Exists(LabPaths.PinRoot))
        {
            return [];
        }

        var others = LabRegistry.Known().Where(o => o != name && o.StartsWith(name + "-", StringComparison.Ordinal)).ToList();
        var own = lab?.Nodes.Select(n => n.PinDirectory).ToHashSet(StringComparer.Ordinal) ?? [];
        var removed = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories(LabPaths.PinRoot))
        {
            var leaf = Path.GetFileName(dir);
            var ours = own.Contains(dir) || (leaf.StartsWith(name + "-", StringComparison.Ordinal)
                && !others.Any(o => leaf.StartsWith(o + "-", StringComparison.Ordinal)));
            if (ours)
            {
                Directory.Delete(dir, recursive: true);
                removed.Add(dir);
            }
        }

        return removed;
    }
}
