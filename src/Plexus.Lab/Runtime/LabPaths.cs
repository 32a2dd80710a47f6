using Plexus.Lab.Topology;

namespace Plexus.Lab.Runtime;

/// <summary>
/// Where a running lab keeps its files: <c>/run/plexus/labs/&lt;lab&gt;/</c> holds the topology it was started from,
/// <c>state.json</c> (etcd and agent endpoints), <c>supervisor.pid</c>, <c>logs/</c>, the etcd data and the agents'
/// sockets and state. <c>/run</c> is a tmpfs: a reboot leaves nothing behind, like the namespaces themselves.
/// </summary>
public sealed class LabPaths(string lab)
{
    /// <summary>The directory holding every lab's state directory.</summary>
    public const string Root = "/run/plexus/labs";

    /// <summary>The bpffs directory under which agents pin their maps and programs, one subdirectory per node.</summary>
    public const string PinRoot = "/sys/fs/bpf/plexus";

    /// <summary>The lab's name.</summary>
    public string Lab { get; } = lab;

    /// <summary>The lab's state directory.</summary>
    public string Directory { get; } = Path.Combine(Root, lab);

    /// <summary>The copy of the topology file the lab was started from.</summary>
    public string Topology => Path.Combine(Directory, "lab.yaml");

    /// <summary>Endpoints of the lab's etcd members and agents (<see cref="LabState"/>).</summary>
    public string StateFile => Path.Combine(Directory, "state.json");

    /// <summary>The supervisor writes its process id here.</summary>
    public string SupervisorPidFile => Path.Combine(Directory, "supervisor.pid");

    /// <summary>Log files: the supervisor's and one per supervised process.</summary>
    public string Logs => Path.Combine(Directory, "logs");

    /// <summary>The supervisor's own log.</summary>
    public string SupervisorLog => Log("supervisor");

    /// <summary>Taken (flock) while <c>lab up</c> or <c>lab down</c> works on the lab; beside the state directory so <c>down</c> can delete that.</summary>
    public string LockFile => Path.Combine(Root, $".{Lab}.lock");

    /// <summary>The log file of a supervised process.</summary>
    public string Log(string service) => Path.Combine(Logs, service + ".log");

    /// <summary>The work directory of a cluster's etcd member (its data directory is <c>data/</c> inside).</summary>
    public string Etcd(string cluster) => Path.Combine(Directory, "etcd", cluster);

    /// <summary>A node's directory: its agent's API socket and state.</summary>
    public string Node(string cluster, string node) => Path.Combine(Directory, "nodes", $"{cluster}-{node}");

    /// <summary>The API socket of a node's agent.</summary>
    public string AgentSocket(string cluster, string node) => Path.Combine(Node(cluster, node), "agent.sock");

    /// <summary>The state directory of a node's agent.</summary>
    public string AgentState(string cluster, string node) => Path.Combine(Node(cluster, node), "state");

    /// <summary>The bpffs directory of a node's pins.</summary>
    public string PinDirectory(string cluster, string node) => Path.Combine(PinRoot, LabNames.PinNode(Lab, cluster, node));
}
