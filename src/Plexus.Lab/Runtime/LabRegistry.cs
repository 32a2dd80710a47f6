using Plexus.Lab.Topology;

namespace Plexus.Lab.Runtime;

/// <summary>Which labs exist on this machine, judged by their namespaces, state directories and supervisors.</summary>
public static class LabRegistry
{
    /// <summary>Labs that are up: a fabric namespace and a state directory with the topology.</summary>
    public static IReadOnlyList<string> Running() =>
        [.. LabNetwork.ExistingLabs().Where(l => File.Exists(new LabPaths(l).Topology)).Order(StringComparer.Ordinal)];

    /// <summary>Every lab that left anything behind: namespaces, a state directory or a supervisor (what <c>lab down --all</c> removes).</summary>
    public static IReadOnlyList<string> Known()
    {
        var states = Directory.Exists(LabPaths.Root)
            ? Directory.EnumerateDirectories(LabPaths.Root).Select(Path.GetFileName).OfType<string>()
            : [];
        return [.. LabNetwork.ExistingLabs().Concat(states).Concat(SupervisorProcess.Labs()).Distinct().Order(StringComparer.Ordinal)];
    }
}
