using System.Net;

namespace Plexus.Cli.Bench;

/// <summary>
/// One side of the comparison: a client pod namespace on node 1 and a server pod namespace on node 2, the server
/// reachable at <see cref="ServerIp"/> across the VXLAN overlay.
/// </summary>
public sealed record BenchBed(string Name, string ClientNetns, string ServerNetns, IPAddress ServerIp, int PodMtu);
