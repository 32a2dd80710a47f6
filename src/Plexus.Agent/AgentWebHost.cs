using Microsoft.AspNetCore.Builder;

namespace Plexus.Agent;

/// <summary>
/// The options of the agent's web hosts (API and metrics). ASP.NET's defaults take the current directory as content root
/// and reload <c>appsettings.json</c> on change, which means a recursive file watcher on the content root: started by a
/// supervisor whose current directory is <c>/</c>, every agent held ~39,000 inotify watches per host and spent a fifth
/// of its CPU reading events about unrelated files (builds, pod namespaces). The agent takes its configuration from its
/// flags only: the content root is its own directory and nothing is watched.
/// </summary>
public static class AgentWebHost
{
    /// <summary>Options for a web host named <paramref name="name"/>: content root beside the binary, no configuration reload.</summary>
    public static WebApplicationOptions Options(string name) => new()
    {
        ApplicationName = name,
        ContentRootPath = AppContext.BaseDirectory,
        Args = ["--hostBuilder:reloadConfigOnChange=false"],
    };
}
