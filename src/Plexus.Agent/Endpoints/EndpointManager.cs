using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Plexus.Agent.Api;
using Plexus.Agent.Configuration;
using Plexus.Agent.ControlPlane.Endpoints;
using Plexus.Agent.ControlPlane.Identity;
using Plexus.Agent.ControlPlane.IpCache;
using Plexus.Agent.ControlPlane.Ipam;
using Plexus.Agent.Registration;
using Plexus.Datapath.Endpoints;
using Plexus.Datapath.Node;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.Endpoints;

/// <summary>
/// Creates, restores and deletes this node's endpoints: address (IPAM), identity (cluster-wide allocator), veth
/// plumbing and datapath map entry, then the endpoint and ipcache records in the store under the node's lease. One
/// operation at a time; a failed create undoes what it did. Endpoints are also kept in the state directory so a
/// restarted agent adopts them without disturbing their traffic.
/// </summary>
public sealed partial class EndpointManager(
    IStore store, AgentConfig config, AgentState state, ILogger<EndpointManager> logger, IdentityAllocator identities, TimeProvider timeProvider)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly EndpointWriter _records = new(store, config.Cluster, config.Node);
    private readonly IpCacheWriter _ipcache = new(store, config.Cluster);
    private ImmutableDictionary<string, LocalEndpoint> _endpoints = ImmutableDictionary<string, LocalEndpoint>.Empty;
    private NodeDatapath? _datapath;
    private PodAddressAllocator? _addresses;
    private IPAddress? _nodeAddress;

    private string StateDirectory => Path.Combine(config.StateDir, "endpoints");

    /// <summary>Whether the datapath is up and endpoints can be created.</summary>
    public bool Ready => Volatile.Read(ref _datapath) is not null;

    /// <summary>Every local endpoint, by id.</summary>
    public IReadOnlyList<LocalEndpoint> List() => [.. _endpoints.Values.OrderBy(e => e.Id)];

    /// <summary>Makes the manager operational once the datapath and the node's address block exist.</summary>
    internal void Activate(NodeDatapath datapath, PodAddressAllocator addresses, IPAddress nodeAddress)
    {
        _addresses = addresses;
        _nodeAddress = nodeAddress;
        Volatile.Write(ref _datapath, datapath);
    }

    /// <summary>Creates the endpoint, or returns it when it exists already (idempotent).</summary>
    public async Task<EndpointResult> CreateAsync(EndpointRequest request, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } problem)
        {
            return EndpointResult.BadRequest(problem);
        }

        if (!Ready)
        {
            return EndpointResult.Unavailable("the datapath is not ready yet");
        }

        var lease = state.Store.Lease;
        if (lease == 0)
        {
            return EndpointResult.Unavailable("the node is not registered in the store yet");
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_endpoints.TryGetValue($"{request.Namespace}/{request.Pod}", out var existing))
            {
                return EndpointResult.Ok(existing);
            }

            var id = Enumerable.Range(1, 65535).First(i => _endpoints.Values.All(e => e.Id != i));
            var endpoint = new LocalEndpoint
            {
                Id = id,
                Namespace = request.Namespace!,
                Pod = request.Pod!,
                Ip = "",
                Identity = 0,
                Interface = DeviceNames.HostVeth(id),
                Netns = request.Netns!,
                Labels = request.Labels ?? [],
                NamespaceLabels = request.NamespaceLabels ?? [],
                Ports = request.Ports ?? [],
            };
            return await ConnectAsync(endpoint, lease, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            return EndpointResult.Unavailable($"store unavailable: {e.Message}");
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Deletes an endpoint everywhere (node, datapath, store); false when it does not exist.</summary>
    public async Task<bool> DeleteAsync(string ns, string pod, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_endpoints.TryGetValue($"{ns}/{pod}", out var endpoint) || _datapath is null)
            {
                return false;
            }

            var address = IPAddress.Parse(endpoint.Ip);
            EndpointPlumbing.Unplumb(_datapath, endpoint.Id, address);
            _endpoints = _endpoints.Remove(endpoint.Key);
            File.Delete(StateFile(endpoint.Id));
            await _ipcache.DeleteAsync(address, cancellationToken).ConfigureAwait(false);
            await _records.DeleteAsync(endpoint.Id, cancellationToken).ConfigureAwait(false);
            await identities.ReleaseAsync(endpoint.Identity, cancellationToken).ConfigureAwait(false);
            await _addresses!.ReleaseAsync(address, cancellationToken).ConfigureAwait(false);
            LogDeleted(logger, endpoint.Key, endpoint.Id);
            return true;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Replaces the pod labels of an endpoint (what <c>kubectl label pod</c> does): the endpoint moves to the identity of
    /// its new labels (allocated cluster-wide like at creation), the datapath map, state file, endpoint and ipcache
    /// records follow, and the old identity is released. Other nodes learn the new identity through the store (ipcache,
    /// endpoint records), so remote policy and the VNI of its traffic follow too. Unchanged labels change nothing.
    /// </summary>
    public async Task<EndpointResult> RelabelAsync(string ns, string pod, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (LabelsError(labels) is { } problem)
        {
            return EndpointResult.BadRequest(problem);
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_endpoints.TryGetValue($"{ns}/{pod}", out var endpoint) || _datapath is null)
            {
                return EndpointResult.NotFound($"endpoint {ns}/{pod} not found");
            }

            if (endpoint.Labels.Count == labels.Count && endpoint.Labels.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value))
            {
                return EndpointResult.Ok(endpoint);
            }

            var lease = state.Store.Lease;
            if (lease == 0)
            {
                return EndpointResult.Unavailable("the node is not registered in the store yet");
            }

            var identityLabels = IdentityLabels.ForPod(config.Cluster, endpoint.Namespace, labels, endpoint.NamespaceLabels);
            var identity = await identities.AcquireAsync(identityLabels, lease, cancellationToken).ConfigureAwait(false);
            if (!identity.Succeeded)
            {
                return EndpointResult.Unavailable($"no identity for {endpoint.Key}: {identity.Message}");
            }

            var relabelled = endpoint with { Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal), Identity = identity.Identity };
            try
            {
                // Idempotent: on a plumbed endpoint this only rewrites its datapath entry with the new identity.
                EndpointPlumbing.Plumb(_datapath, endpoint.Id, endpoint.Netns, IPAddress.Parse(endpoint.Ip), identity.Identity);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPlumbingFailed(logger, endpoint.Key, e.Message);
                await identities.ReleaseAsync(identity.Identity, cancellationToken).ConfigureAwait(false);
                return EndpointResult.Failed($"relabelling {endpoint.Key}: {e.Message}");
            }

            await PublishAsync(relabelled, identityLabels, lease, cancellationToken).ConfigureAwait(false);
            await identities.ReleaseAsync(endpoint.Identity, cancellationToken).ConfigureAwait(false);
            LogRelabelled(logger, endpoint.Key, endpoint.Identity, relabelled.Identity);
            return EndpointResult.Ok(relabelled);
        }
        catch (StoreUnavailableException e)
        {
            return EndpointResult.Unavailable($"store unavailable: {e.Message}");
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Adopts the endpoints a previous agent process left (state files), repairing their plumbing.</summary>
    internal async Task RestoreAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(StateDirectory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(StateDirectory, "*.json"))
        {
            LocalEndpoint? saved;
            try
            {
                saved = JsonSerializer.Deserialize(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), AgentJsonContext.Default.LocalEndpoint);
            }
            catch (JsonException e)
            {
                LogUnreadableState(logger, file, e.Message);
                continue;
            }

            if (saved is null)
            {
                continue;
            }

            if (!File.Exists(saved.Netns))
            {
                LogPodGone(logger, saved.Key, saved.Netns);
                File.Delete(file);
                continue;
            }

            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await ConnectAsync(saved, state.Store.Lease, cancellationToken).ConfigureAwait(false);
                if (result.Error is { } error)
                {
                    LogRestoreFailed(logger, saved.Key, error);
                }
            }
            finally
            {
                _lock.Release();
            }
        }
    }

    /// <summary>Writes this node's endpoint and ipcache records again under a new lease.</summary>
    internal async Task RepublishAsync(long lease, CancellationToken cancellationToken)
    {
        await _records.RepublishAsync(lease, cancellationToken).ConfigureAwait(false);
        await _ipcache.RepublishAsync(lease, cancellationToken).ConfigureAwait(false);
    }

    private async Task<EndpointResult> ConnectAsync(LocalEndpoint endpoint, long lease, CancellationToken cancellationToken)
    {
        var owner = endpoint.Key;
        var lost = new List<IPAddress>();
        while (true)
        {
            var pick = await _addresses!.PickAsync(owner, lost, cancellationToken).ConfigureAwait(false);
            if (!pick.Succeeded)
            {
                return EndpointResult.Unavailable($"no address for {owner}: {pick.Message}");
            }

            // The address is claimed in the store while the pod is plumbed with it: the claim's round trip overlaps the
            // netlink and map work instead of preceding it. A claim lost to another process of this node (an overlapping
            // restart) undoes the plumbing, and the next free address is tried.
            var claim = pick.Status == AddressAllocationStatus.Existing
                ? Task.FromResult(true)
                : _addresses.ClaimAsync(owner, pick.Address, cancellationToken);
            if (await ConnectWithAsync(endpoint, pick.Address, claim, lease, cancellationToken).ConfigureAwait(false) is { } result)
            {
                return result;
            }

            LogAddressLost(logger, owner, pick.Address);
            lost.Add(pick.Address);
        }
    }

    // Connects the endpoint with `address` while `claim` settles it; null when the claim was lost (everything undone).
    // When the identity's number is known without the store (labels held or released lately), the plumbing runs while
    // the store confirms it, as with the address: a create whose labels the node did not hold took 13-15 ms instead of
    // 7-8 while it waited for the identity first.
    private async Task<EndpointResult?> ConnectWithAsync(LocalEndpoint endpoint, IPAddress address, Task<bool> claim, long lease, CancellationToken cancellationToken)
    {
        var owner = endpoint.Key;
        var labels = IdentityLabels.ForPod(config.Cluster, endpoint.Namespace, endpoint.Labels, endpoint.NamespaceLabels);
        var expected = identities.Expected(labels);
        var acquiring = identities.AcquireAsync(labels, lease, cancellationToken);
        uint? plumbed = null;
        string? failure = null;
        if (expected is { } early)
        {
            failure = Plumb(endpoint, address, early);
            plumbed = early;
        }

        IdentityAllocation identity;
        try
        {
            identity = await acquiring.ConfigureAwait(false);
        }
        catch
        {
            Unplumb(endpoint, address, plumbed);
            await ReleaseClaimAsync(claim, address, cancellationToken).ConfigureAwait(false);
            throw;
        }

        if (!identity.Succeeded)
        {
            Unplumb(endpoint, address, plumbed);
            await ReleaseClaimAsync(claim, address, cancellationToken).ConfigureAwait(false);
            return EndpointResult.Unavailable($"no identity for {owner}: {identity.Message}");
        }

        if (plumbed != identity.Identity)
        {
            // Not known beforehand, or the store gave another number (the released identity was collected since): the
            // plumbing is idempotent, so this rewrites the endpoint's map entry. Nothing of the pod was published yet, and
            // its containers start after the create returns.
            failure = Plumb(endpoint, address, identity.Identity);
        }

        bool claimed;
        try
        {
            claimed = await claim.ConfigureAwait(false);
        }
        catch
        {
            EndpointPlumbing.Unplumb(_datapath!, endpoint.Id, address);
            await identities.ReleaseAsync(identity.Identity, cancellationToken).ConfigureAwait(false);
            throw;
        }

        if (failure is not null || !claimed)
        {
            EndpointPlumbing.Unplumb(_datapath!, endpoint.Id, address);
            await identities.ReleaseAsync(identity.Identity, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                return null;
            }

            await _addresses!.ReleaseAsync(address, cancellationToken).ConfigureAwait(false);
            return EndpointResult.Failed($"connecting {owner}: {failure}");
        }

        var connected = endpoint with { Ip = address.ToString(), Identity = identity.Identity };
        await PublishAsync(connected, identity.Labels, lease, cancellationToken).ConfigureAwait(false);
        LogConnected(logger, owner, connected.Id, connected.Ip, connected.Identity);
        return EndpointResult.Ok(connected);
    }

    // Plumbs the endpoint with `identity`; the failure's message, or null.
    private string? Plumb(LocalEndpoint endpoint, IPAddress address, uint identity)
    {
        try
        {
            EndpointPlumbing.Plumb(_datapath!, endpoint.Id, endpoint.Netns, address, identity);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPlumbingFailed(logger, endpoint.Key, e.Message);
            return e.Message;
        }
    }

    // Undoes a plumbing done with `identity` (nothing when null: none was done).
    private void Unplumb(LocalEndpoint endpoint, IPAddress address, uint? identity)
    {
        if (identity is not null)
        {
            EndpointPlumbing.Unplumb(_datapath!, endpoint.Id, address);
        }
    }

    // Gives back an address whose claim may still be in flight (the connection failed before it was needed).
    private async Task ReleaseClaimAsync(Task<bool> claim, IPAddress address, CancellationToken cancellationToken)
    {
        bool claimed;
        try
        {
            claimed = await claim.ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            return; // not claimed, or unknown: the owner's next create finds it as its existing address
        }

        if (claimed)
        {
            await _addresses!.ReleaseAsync(address, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Remembers <paramref name="connected"/> (state file, in memory) and writes its endpoint and ipcache records.</summary>
    private async Task PublishAsync(LocalEndpoint connected, IdentityLabels labels, long lease, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(StateDirectory);
        await File.WriteAllTextAsync(StateFile(connected.Id), JsonSerializer.Serialize(connected, AgentJsonContext.Default.LocalEndpoint), cancellationToken).ConfigureAwait(false);
        _endpoints = _endpoints.SetItem(connected.Key, connected);
        // One transaction: the other nodes learn the pod's endpoint and its ipcache entry at the same revision, and the
        // create call pays one store round trip for both.
        await _records.PutWithIpCacheAsync(new EndpointRecord
        {
            Id = connected.Id,
            Cluster = config.Cluster,
            Node = config.Node,
            Namespace = connected.Namespace,
            Pod = connected.Pod,
            Ip = connected.Ip,
            Identity = connected.Identity,
            Labels = labels.ToStrings(),
            Ports = [.. connected.Ports.Select(p => new EndpointPortRecord { Port = p.Port, Protocol = p.Protocol.ToUpperInvariant(), Name = p.Name })],
            State = EndpointState.Ready,
            UpdatedAt = timeProvider.GetUtcNow(),
        }, _ipcache, new IpCacheRecord
        {
            Ip = connected.Ip,
            Cluster = config.Cluster,
            Identity = connected.Identity,
            NodeIp = _nodeAddress!.ToString(),
            Node = config.Node,
            EndpointId = connected.Id,
            Namespace = connected.Namespace,
            Pod = connected.Pod,
        }, lease, cancellationToken).ConfigureAwait(false);
    }

    private string StateFile(int id) => Path.Combine(StateDirectory, $"{id}.json");

    private static string? Validate(EndpointRequest request)
    {
        if (request.Namespace is null)
        {
            return "namespace: required";
        }

        if (NameSyntax.Dns1123Label(request.Namespace) is { } nsProblem)
        {
            return $"namespace: {nsProblem}";
        }

        if (request.Pod is null)
        {
            return "pod: required";
        }

        if (NameSyntax.Dns1123Subdomain(request.Pod) is { } podProblem)
        {
            return $"pod: {podProblem}";
        }

        if (string.IsNullOrEmpty(request.Netns) || !File.Exists(request.Netns))
        {
            return $"netns: {(string.IsNullOrEmpty(request.Netns) ? "required" : $"\"{request.Netns}\" does not exist")}";
        }

        if (LabelsError((request.Labels ?? []).Concat(request.NamespaceLabels ?? [])) is { } labelProblem)
        {
            return labelProblem;
        }

        foreach (var port in request.Ports ?? [])
        {
            if (port.Port is < 1 or > 65535 || port.Protocol.ToLowerInvariant() is not ("tcp" or "udp" or "sctp"))
            {
                return $"ports: {port.Port}/{port.Protocol} is not a port 1-65535 with protocol tcp, udp or sctp";
            }
        }

        return null;
    }

    private static string? LabelsError(IEnumerable<KeyValuePair<string, string>> labels)
    {
        foreach (var (key, value) in labels)
        {
            if ((LabelSyntax.KeyError(key) ?? LabelSyntax.ValueError(value)) is { } problem)
            {
                return $"labels: {key}={value}: {problem}";
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "Endpoint {Endpoint} connected: id {Id}, {Ip}, identity {Identity}")]
    private static partial void LogConnected(ILogger logger, string endpoint, int id, string ip, uint identity);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Endpoint {Endpoint} (id {Id}) deleted")]
    private static partial void LogDeleted(ILogger logger, string endpoint, int id);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Error, Message = "Connecting endpoint {Endpoint} failed: {Reason}")]
    private static partial void LogPlumbingFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "Endpoint {Endpoint}: its namespace {Netns} is gone; forgetting it")]
    private static partial void LogPodGone(ILogger logger, string endpoint, string netns);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Warning, Message = "Ignoring unreadable endpoint state {File}: {Reason}")]
    private static partial void LogUnreadableState(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Error, Message = "Restoring endpoint {Endpoint} failed: {Reason}")]
    private static partial void LogRestoreFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 1506, Level = LogLevel.Information, Message = "Endpoint {Endpoint} relabelled: identity {OldIdentity} -> {NewIdentity}")]
    private static partial void LogRelabelled(ILogger logger, string endpoint, uint oldIdentity, uint newIdentity);

    [LoggerMessage(EventId = 1507, Level = LogLevel.Warning, Message = "Endpoint {Endpoint}: address {Address} was claimed by another process of this node; trying the next one")]
    private static partial void LogAddressLost(ILogger logger, string endpoint, IPAddress address);
}
