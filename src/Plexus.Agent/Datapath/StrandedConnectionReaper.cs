using Microsoft.Extensions.Logging;
using Plexus.Agent.Endpoints;
using Plexus.Datapath.Services;
using Plexus.Interop.Namespaces;
using Plexus.Interop.Netlink;

namespace Plexus.Agent.Datapath;

/// <summary>
/// Ends the sockets of this node's pods whose service connections lost their backend. The datapath turns such a
/// connection's next packet into a RST, but a client waiting for an answer the backend had acknowledged sends no
/// packet and would wait until its own timeout. So the reaper aborts the client's socket in the pod's namespace
/// (sock_diag SOCK_DESTROY, what <c>ss -K</c> does): the application gets ECONNABORTED at once. Clients elsewhere
/// (other nodes' pods, external clients of node ports) are left to the RST of their next packet.
/// </summary>
public sealed partial class StrandedConnectionReaper(EndpointManager endpoints, ILogger<StrandedConnectionReaper> logger)
{
    /// <summary>Aborts the local clients' sockets of <paramref name="stranded"/>, logging how many existed per pod. Never throws.</summary>
    public void End(IReadOnlyList<ServiceConnection> stranded)
    {
        ArgumentNullException.ThrowIfNull(stranded);
        if (stranded.Count == 0)
        {
            return;
        }

        var local = new Dictionary<string, LocalEndpoint>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints.List())
        {
            local.TryAdd(endpoint.Ip, endpoint);
        }

        foreach (var group in stranded.GroupBy(c => c.Client.Address.ToString(), StringComparer.Ordinal))
        {
            if (!local.TryGetValue(group.Key, out var endpoint))
            {
                continue;
            }

            try
            {
                using var netns = NetNs.Open(endpoint.Netns);
                var count = NetNs.Run(netns, () =>
                {
                    using var diag = new SockDiag();
                    return group.Count(c => diag.DestroyTcp(c.Client, c.Frontend));
                });
                LogEnded(logger, count, endpoint.Key);
            }
#pragma warning disable CA1031 // a pod that went away meanwhile, or a kernel without SOCK_DESTROY: its clients still get the datapath's RST
            catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                LogFailed(logger, endpoint.Key, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 1604, Level = LogLevel.Information, Message = "Ended {Count} connection(s) of {Endpoint} whose service backend was removed")]
    private static partial void LogEnded(ILogger logger, int count, string endpoint);

    [LoggerMessage(EventId = 1605, Level = LogLevel.Warning, Message = "Could not end the connections of {Endpoint} to a removed service backend: {Reason}; they end with a RST on their next packet")]
    private static partial void LogFailed(ILogger logger, string endpoint, string reason);
}

/// <summary>The node's service datapath, with the local clients of connections that lost their backend ended after each sync.</summary>
internal sealed class ReapingServiceDatapath(IServiceDatapath inner, StrandedConnectionReaper reaper) : IServiceDatapath
{
    /// <inheritdoc/>
    public ServiceSyncResult Sync(IReadOnlyCollection<ServiceFrontend> desired)
    {
        var result = inner.Sync(desired);
        reaper.End(result.Stranded);
        return result;
    }

    /// <inheritdoc/>
    public IReadOnlyList<ServiceFrontendStatus> List() => inner.List();

    /// <inheritdoc/>
    public string? ServiceOf(ushort serviceId) => inner.ServiceOf(serviceId);
}
