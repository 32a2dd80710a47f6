namespace Plexus.Model;

/// <summary>A served port: number, <c>tcp</c> or <c>udp</c>, and its name (<c>serve-&lt;port&gt;-&lt;proto&gt;</c> when unnamed).</summary>
public sealed record LabPort(int Port, string Protocol, string Name);
