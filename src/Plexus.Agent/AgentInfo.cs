using System.Reflection;

namespace Plexus.Agent;

/// <summary>Facts about this agent binary.</summary>
public static class AgentInfo
{
    /// <summary>The agent's version (assembly informational version).</summary>
    public static string Version { get; } =
        typeof(AgentInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
