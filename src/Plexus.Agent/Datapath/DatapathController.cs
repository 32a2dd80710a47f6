using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plexus.Agent.Configuration;
using Plexus.Agent.ControlPlane.Identity;
using Plexus.Agent.ControlPlane.IpCache;
using Plexus.Agent.ControlPlane.Ipam;
using Plexus.Agent.ControlPlane.Mirroring;
using Plexus.Agent.ControlPlane.Policy;
using Plexus.Agent.ControlPlane.Services;
using Plexus.Agent.Endpoints;
using Plexus.Agent.Flows;
using Plexus.Agent.Registration;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Interop.Netlink;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.Datapath;

/// <summary>
/// Brings up this node's datapath and keeps its maps in line with the cluster: claims the node's pod block, starts
/// (or adopts) the eBPF datapath, restores local endpoints, then mirrors the store's ipcache and node records into
/// the ipcache map, serves the cluster's Services (<see cref="ServiceController"/>), enforces policy
/// (<see cref="PolicyController"/>), turns datapath events into flows (<see cref="FlowObserver"/>), republishes the node's records
/// when its lease changes, and collects unused identities.
/// Inactive without a pod CIDR in the config.
/// </summary>
public sealed partial class DatapathController(
    IStore store,
    AgentConfig config,
    AgentState state,
    EndpointManager endpoints,
    IdentityAllocator identities,
    ServiceController services,
    PolicyController policies,
    FlowObserver flows,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(500);
    private readonly ILogger _logger = loggerFactory.CreateLogger<DatapathController>();
    private NodeDatapath? _datapath;
    private string? _error;

    /// <summary>The running datapath, once started.</summary>
    public NodeDatapath? Datapath => Volatile.Read(ref _datapath);

    /// <summary>Why the datapath is not running, when it failed to start.</summary>
    public string? Error => Volatile.Read(ref _error);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (config.PodCidr is not { } podCidr)
        {
            return;
        }

        var lease = await WaitForLeaseAsync(stoppingToken).ConfigureAwait(false);
        var block = await RetryAsync(() => ClaimBlockAsync(podCidr, stoppingToken), stoppingToken).ConfigureAwait(false);
        state.PodCidr = block.ToString();
        var addresses = new PodAddressAllocator(store, config.Cluster, config.Node, block, timeProvider, loggerFactory.CreateLogger<PodAddressAllocator>());
        var nodeAddress = NodeAddress();
        var datapathConfig = new DatapathConfig
        {
            Node = Path.GetFileName(config.BpfPinDirectory),
            PinRoot = Path.GetDirectoryName(config.BpfPinDirectory)!,
            NodeAddress = nodeAddress,
            UnderlayDevice = config.UnderlayDevice,
            ClusterPodCidr = IPNetwork.Parse(podCidr.ToString()),
            ClusterId = config.ClusterId,
            MaglevTableSize = config.MaglevTableSize,
            PolicyMapEntries = config.PolicyMapEntries,
        };
        try
        {
            _datapath = NodeDatapath.Start(datapathConfig);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _error = e.Message;
            LogDatapathFailed(_logger, e.Message);
            return;
        }

        LogDatapathStarted(_logger, block.ToString(), nodeAddress.ToString(), config.BpfPinDirectory);
        identities.UseKnownIdentities(policies.IdentityOf);
        endpoints.Activate(_datapath, addresses, nodeAddress);
        await RetryAsync(async () => { await endpoints.RestoreAsync(stoppingToken).ConfigureAwait(false); return true; }, stoppingToken).ConfigureAwait(false);

        var ipcache = new IpCacheMirror([new IpCacheSource(config.Cluster, store)], timeProvider, loggerFactory.CreateLogger<IpCacheMirror>());
        var nodes = new PrefixMirror<NodeRecord>(store, StoreKeys.NodesPrefix(config.Cluster), kv => NodeRecord.FromJson(kv.Value), timeProvider, _logger);
        var resolver = new StoreFlowResolver(config.Cluster, config.Node, _datapath.Policy, _datapath.Services, policies);
        var gc = new IdentityGarbageCollector(store, config.IdentityGcGrace, timeProvider, loggerFactory.CreateLogger<IdentityGarbageCollector>());
        await Task.WhenAll(
            ipcache.RunAsync(ApplyIpCache, stoppingToken),
            nodes.RunAsync(ApplyNodes, stoppingToken),
            gc.RunAsync(config.IdentityGcInterval, stoppingToken),
            services.RunAsync(new ReapingServiceDatapath(_datapath.Services, new StrandedConnectionReaper(endpoints, loggerFactory.CreateLogger<StrandedConnectionReaper>())), stoppingToken),
            policies.RunAsync(_datapath.Policy, new IpCacheCidrSink(_datapath), stoppingToken),
            flows.RunAsync(_datapath, resolver, stoppingToken),
            FollowLeaseAsync(lease, stoppingToken)).ConfigureAwait(false);
    }

    private void ApplyIpCache(MirrorDelta<IpCacheRecord> delta)
    {
        foreach (var (_, record) in delta.Added)
        {
            Upsert(record);
        }

        foreach (var update in delta.Updated)
        {
            Upsert(update.Current);
        }

        foreach (var (_, record) in delta.Removed)
        {
            if (IPAddress.TryParse(record.Ip, out var ip))
            {
                _datapath!.RemoveIpCache(new IPNetwork(ip, ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
        }

        void Upsert(IpCacheRecord record)
        {
            if (!IPAddress.TryParse(record.Ip, out var ip) || !IPAddress.TryParse(record.NodeIp, out var node) || ip.AddressFamily != AddressFamily.InterNetwork)
            {
                return;
            }

            var local = record.Node == config.Node && record.Cluster == config.Cluster;
            _datapath!.UpsertIpCache(new IPNetwork(ip, 32), new IpCacheInfo
            {
                Identity = record.Identity,
                TunnelEndpoint = local ? 0 : NodeDatapath.NetworkOrder(node),
            });
        }
    }

    private void ApplyNodes(MirrorDelta<NodeRecord> delta)
    {
        // A block that moved or went away first, so that a block another node took over meanwhile is not removed after
        // being written for its new owner.
        foreach (var update in delta.Updated)
        {
            if (Block(update.Previous) is { } before && Block(update.Current) != before)
            {
                _datapath!.RemovePodBlock(before);
            }
        }

        foreach (var (_, node) in delta.Removed.Where(n => !IsSelf(n.Value)))
        {
            foreach (var address in V4(node))
            {
                _datapath!.RemoveIpCache(new IPNetwork(address, 32));
            }

            if (Block(node) is { } block)
            {
                _datapath!.RemovePodBlock(block);
            }
        }

        foreach (var (_, node) in delta.Added.Concat(delta.Updated.Select(u => KeyValuePair.Create(u.Key, u.Current))))
        {
            if (IsSelf(node))
            {
                continue;
            }

            foreach (var address in V4(node))
            {
                _datapath!.UpsertIpCache(new IPNetwork(address, 32), new IpCacheInfo { Identity = (uint)ReservedIdentity.RemoteNode });
            }

            if (Block(node) is { } block && V4(node).FirstOrDefault() is { } tunnel)
            {
                _datapath!.UpsertPodBlock(block, tunnel);
            }
        }

        // A full sync (start, or the store came back) is all there is: blocks of nodes that left meanwhile go, also
        // those a previous agent process left in the pinned map.
        if (delta.IsFullSync)
        {
            var current = delta.Snapshot.Values.Where(n => !IsSelf(n)).Select(Block).OfType<IPNetwork>().Select(NodeDatapath.IpCacheKeyOf).ToHashSet();
            foreach (var key in _datapath!.Tunnel.GetKeys<IpCacheKey>().Where(k => !current.Contains(k)).ToList())
            {
                _datapath.Tunnel.Delete(key);
            }
        }

        bool IsSelf(NodeRecord node) => node.Name == config.Node && node.Cluster == config.Cluster;

        static IEnumerable<IPAddress> V4(NodeRecord node) =>
            node.Addresses.Select(a => IPAddress.TryParse(a, out var ip) ? ip : null).OfType<IPAddress>().Where(a => a.AddressFamily == AddressFamily.InterNetwork);

        // The node's IPv4 pod block, when it announced one.
        static IPNetwork? Block(NodeRecord node) =>
            IPNetwork.TryParse(node.PodCidr, out var block) && block.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? block : null;
    }

    /// <summary>When the node's lease changes (an outage outlived it), writes this node's records again under the new one.</summary>
    private async Task FollowLeaseAsync(long lease, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), timeProvider, cancellationToken).ConfigureAwait(false);
            var current = state.Store.Lease;
            if (current == 0 || current == lease || !state.Store.Connected)
            {
                continue;
            }

            try
            {
                await identities.RepublishAsync(current, cancellationToken).ConfigureAwait(false);
                await endpoints.RepublishAsync(current, cancellationToken).ConfigureAwait(false);
                lease = current;
                LogRepublished(_logger, current);
            }
            catch (StoreUnavailableException)
            {
                // Next round.
            }
        }
    }

    private async Task<long> WaitForLeaseAsync(CancellationToken cancellationToken)
    {
        while (state.Store.Lease == 0)
        {
            await Task.Delay(RetryInterval, timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return state.Store.Lease;
    }

    private async Task<Cidr> ClaimBlockAsync(Cidr podCidr, CancellationToken cancellationToken)
    {
        var allocator = new BlockAllocator(store, config.Cluster, config.Node, podCidr, BlockAllocator.DefaultBlockPrefixLength, timeProvider, loggerFactory.CreateLogger<BlockAllocator>());
        var claim = await allocator.ClaimAsync(cancellationToken).ConfigureAwait(false);
        return claim.Block ?? throw new DatapathException($"no pod block for node {config.Node}: {claim.Message}");
    }

    private async Task<T> RetryAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await action().ConfigureAwait(false);
            }
            catch (StoreUnavailableException e)
            {
                LogStoreRetry(_logger, e.Message);
                await Task.Delay(RetryInterval, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private IPAddress NodeAddress()
    {
        if (config.Addresses.Count > 0)
        {
            return IPAddress.Parse(config.Addresses[0]);
        }

        using var rtnl = new RtNetlink();
        return rtnl.ListAddresses(config.UnderlayDevice, AddressFamily.InterNetwork).Select(a => a.Address).FirstOrDefault()
            ?? throw new DatapathException($"underlay device {config.UnderlayDevice} has no IPv4 address; give --address");
    }

    [LoggerMessage(EventId = 1600, Level = LogLevel.Information, Message = "Datapath up: pod block {Block}, node address {Address}, maps pinned in {PinDirectory}")]
    private static partial void LogDatapathStarted(ILogger logger, string block, string address, string pinDirectory);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Error, Message = "Datapath failed to start: {Reason}")]
    private static partial void LogDatapathFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Warning, Message = "Store unavailable while starting the datapath: {Reason}; retrying")]
    private static partial void LogStoreRetry(ILogger logger, string reason);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Information, Message = "Node records written again under lease {Lease}")]
    private static partial void LogRepublished(ILogger logger, long lease);
}
