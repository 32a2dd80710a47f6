using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plexus.Agent.Configuration;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.Registration;

/// <summary>
/// Keeps this node's record in the store under a lease: grants the lease (reusing the one a previous process of
/// this agent left, so a restart does not make the node flap), keeps it alive, and writes the record again after
/// any store outage or when the lease was lost.
/// </summary>
public sealed partial class NodeRegistrar(
    IStore store, AgentConfig config, AgentState state, TimeProvider timeProvider, ILogger<NodeRegistrar> logger) : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(500);

    private string LeaseFile => Path.Combine(config.StateDir, "lease-id");

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lease = ReadSavedLease();
        var registered = false;
        string? writtenPodCidr = null;
        var keepAliveInterval = config.LeaseTtl / 3 < TimeSpan.FromSeconds(2) ? config.LeaseTtl / 3 : TimeSpan.FromSeconds(2);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var changed = state.RecordChanged;
                if (!registered || writtenPodCidr != state.PodCidr)
                {
                    lease = await EnsureLeaseAsync(lease, stoppingToken).ConfigureAwait(false);
                    writtenPodCidr = state.PodCidr;
                    await WriteRecordAsync(lease, stoppingToken).ConfigureAwait(false);
                    registered = true;
                }

                using (var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    var delay = Task.Delay(keepAliveInterval, timeProvider, wake.Token);
                    await Task.WhenAny(delay, changed).ConfigureAwait(false);
                    await wake.CancelAsync().ConfigureAwait(false);
                    stoppingToken.ThrowIfCancellationRequested();
                }

                if (await store.KeepAliveAsync(lease, stoppingToken).ConfigureAwait(false) is null)
                {
                    LogLeaseLost(logger, lease);
                    lease = 0;
                    registered = false;
                }

                MarkConnected();
            }
            catch (StoreUnavailableException e)
            {
                if (state.Store.Connected || state.Store.LastError is null)
                {
                    LogStoreUnavailable(logger, config.Store.Url, e.Message);
                }

                state.UpdateStore(s => s with { Connected = false, LastError = e.Message });
                registered = false; // write the record again once the store is back: it may have lost it
                await Task.Delay(RetryInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<long> EnsureLeaseAsync(long lease, CancellationToken cancellationToken)
    {
        if (lease != 0 && await store.KeepAliveAsync(lease, cancellationToken).ConfigureAwait(false) is not null)
        {
            return lease;
        }

        var granted = await store.GrantLeaseAsync(config.LeaseTtl, cancellationToken).ConfigureAwait(false);
        SaveLease(granted.Id);
        LogLeaseGranted(logger, granted.Id, (int)granted.Ttl.TotalSeconds);
        return granted.Id;
    }

    private async Task WriteRecordAsync(long lease, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var record = new NodeRecord
        {
            Name = config.Node,
            Cluster = config.Cluster,
            ClusterId = config.ClusterId,
            Addresses = config.Addresses.Count > 0 ? config.Addresses : DetectAddresses(),
            PodCidr = state.PodCidr,
            AgentVersion = AgentInfo.Version,
            AgentPid = Environment.ProcessId,
            ApiSocket = config.ApiSocket,
            StartedAt = state.StartedAt,
            RegisteredAt = now,
        };
        await store.PutAsync(StoreKeys.Node(config.Cluster, config.Node), record.ToJson(), lease, cancellationToken).ConfigureAwait(false);
        var wasDown = state.Store.LastError is not null;
        state.UpdateStore(s => s with { Connected = true, LastError = null, Lease = lease, RegisteredAt = now, Reconnects = s.Reconnects + (wasDown ? 1 : 0) });
        LogRegistered(logger, config.Cluster, config.Node, lease);
    }

    private void MarkConnected()
    {
        if (!state.Store.Connected)
        {
            state.UpdateStore(s => s with { Connected = true, LastError = null });
        }
    }

    private long ReadSavedLease()
    {
        try
        {
            return File.Exists(LeaseFile) && long.TryParse(File.ReadAllText(LeaseFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private void SaveLease(long id)
    {
        Directory.CreateDirectory(config.StateDir);
        var temp = LeaseFile + ".tmp";
        File.WriteAllText(temp, id.ToString(CultureInfo.InvariantCulture));
        File.Move(temp, LeaseFile, overwrite: true);
    }

    private static List<string> DetectAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork || (a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal))
            .Where(a => !IPAddress.IsLoopback(a))
            .Select(a => a.ToString())
            .ToList();

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Node {Cluster}/{Node} registered under lease {Lease}")]
    private static partial void LogRegistered(ILogger logger, string cluster, string node, long lease);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Lease {Lease} granted with TTL {TtlSeconds}s")]
    private static partial void LogLeaseGranted(ILogger logger, long lease, int ttlSeconds);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Lease {Lease} is gone; registering again")]
    private static partial void LogLeaseLost(ILogger logger, long lease);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Store {Store} unavailable: {Reason}; retrying")]
    private static partial void LogStoreUnavailable(ILogger logger, string store, string reason);
}
