namespace Plexus.Policy;

/// <summary>A port an endpoint declares by name (a container port), e.g. <c>serve-80-tcp</c> = TCP 80.</summary>
/// <param name="Name">The port name.</param>
/// <param name="Protocol">IP protocol number (<see cref="IpProtocols"/>).</param>
/// <param name="Port">The port number.</param>
public sealed record NamedPort(string Name, byte Protocol, int Port);
