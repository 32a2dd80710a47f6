using System.Net;

namespace Plexus.Datapath.Services;

/// <summary>A TCP connection to a service frontend as its client sees it (before translation).</summary>
/// <param name="Client">The client's address and port.</param>
/// <param name="Frontend">The frontend it connected to (cluster IP, node address or external address, and port).</param>
public sealed record ServiceConnection(IPEndPoint Client, IPEndPoint Frontend);
