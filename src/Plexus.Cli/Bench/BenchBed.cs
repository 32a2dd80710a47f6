using System.Net;
using Plexus.Lab.Runtime;

namespace Plexus.Cli.Bench;

/// <summary>
/// One side of the comparison: a client pod namespace on node 1 and a server pod namespace on node 2, the server
/// reachable at <see cref="ServerIp"/> across the VXLAN overlay; <see cref="Pods"/> adds more pods to node 2,
/// <see cref="Services"/> installs ClusterIP services backed by the server pod, and <see cref="Lab"/> is the running lab
/// on the Plexus side (null on the baseline, which has no agents).
/// </summary>
public sealed record BenchBed(string Name, string ClientNetns, string ServerNetns, IPAddress ServerIp, int PodMtu, BenchPods Pods, BenchServices Services, LabInstance? Lab = null);
