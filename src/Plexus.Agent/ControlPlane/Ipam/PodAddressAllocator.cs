using System.Net;
using Microsoft.Extensions.Logging;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.Ipam;

/// <summary>
/// Pod addresses inside this node's block. The first usable address is the gateway; pods get the lowest free address
/// from the second one upward (the broadcast address of an IPv4 block is never used). Every allocation is a CAS-created
/// record <c>plexus/ipam-addresses/&lt;cluster&gt;/&lt;node&gt;/&lt;ip&gt;</c> without lease, so it survives agent restarts
/// and two processes can never hand out the same address; allocation is idempotent per owner.
/// </summary>
public sealed partial class PodAddressAllocator : IDisposable
{
    private readonly IStore _store;
    private readonly string _cluster;
    private readonly string _node;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _viewLock = new();

    // This node's allocations in the block (address number → owner), read once and kept up to date by this allocator,
    // the only writer of the node's address keys: an allocation costs one CAS create instead of a list and a create.
    // A failed create (another process of this node, e.g. an overlapping restart) drops it and the next read starts over.
    private Dictionary<UInt128, string>? _view;
    private readonly UInt128 _first;
    private readonly UInt128 _last;

    /// <summary>Creates the allocator for <paramref name="block"/>, a block this node owns (see <see cref="BlockAllocator"/>).</summary>
    public PodAddressAllocator(IStore store, string cluster, string node, Cidr block, TimeProvider timeProvider, ILogger<PodAddressAllocator> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(cluster);
        ArgumentException.ThrowIfNullOrEmpty(node);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(block.PrefixLength, block.AddressLength - 2, nameof(block));
        (_store, _cluster, _node, _timeProvider, _logger) = (store, cluster, node, timeProvider, logger);
        Block = block;
        var network = AddressMath.Network(block);
        var size = AddressMath.Size(block.AddressLength, block.PrefixLength);
        Gateway = AddressMath.ToAddress(network + 1, block.IsIPv6);
        _first = network + 2;
        _last = network + size - (block.IsIPv6 ? 1u : 2u);
    }

    /// <summary>The block addresses come from.</summary>
    public Cidr Block { get; }

    /// <summary>The gateway (router) address of the block: its first usable address, never given to a pod.</summary>
    public IPAddress Gateway { get; }

    /// <summary>How many pod addresses the block holds (capped at <see cref="int.MaxValue"/>).</summary>
    public int Capacity => _last - _first + 1 > int.MaxValue ? int.MaxValue : (int)(_last - _first + 1);

    /// <summary>
    /// Allocates the lowest free pod address for <paramref name="owner"/> (e.g. <c>namespace/pod</c> or a container id),
    /// or returns the one it already holds. Exhaustion is a result, not an exception.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<AddressAllocation> AllocateAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A create lost to another process of this node (an overlapping agent restart) drops the view, so the next
            // pick reads the node's allocations again; the lost address is skipped either way.
            var lost = new HashSet<UInt128>();
            while (true)
            {
                var pick = Pick(await ViewAsync(cancellationToken).ConfigureAwait(false), owner, lost);
                if (pick.Status != AddressAllocationStatus.Allocated)
                {
                    return pick;
                }

                if (await CreateAsync(owner, pick.Address!, cancellationToken).ConfigureAwait(false))
                {
                    return pick with { Message = $"allocated {pick.Address} to {owner}" };
                }

                lost.Add(AddressMath.ToNumber(pick.Address!));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The address <see cref="AllocateAsync"/> would give <paramref name="owner"/> now, without claiming it: the one it
    /// holds (<see cref="AddressAllocationStatus.Existing"/>), the lowest free one that is not in <paramref name="skip"/>
    /// (<see cref="AddressAllocationStatus.Allocated"/>: to be claimed with <see cref="ClaimAsync"/>), or none. A caller
    /// that picks and claims does so one owner at a time (the endpoint manager creates endpoints one by one), so the
    /// address cannot be picked twice in this process; <see cref="ClaimAsync"/> settles it against other processes.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<AddressAllocation> PickAsync(string owner, IReadOnlyCollection<IPAddress> skip, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(skip);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Pick(await ViewAsync(cancellationToken).ConfigureAwait(false), owner, skip.Select(AddressMath.ToNumber).ToHashSet());
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Claims <paramref name="address"/> (from <see cref="PickAsync"/>) for <paramref name="owner"/> in the store; false
    /// when another process of this node took it first (the node's allocations are read again for the next pick).
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<bool> ClaimAsync(string owner, IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(address);
        if (!Block.Contains(address) || AddressMath.ToNumber(address) is var number && (number < _first || number > _last))
        {
            throw new ArgumentException($"{address} is not a pod address of block {Block}", nameof(address));
        }

        return await CreateAsync(owner, address, cancellationToken).ConfigureAwait(false);
    }

    // The owner's address in `used`, else the lowest free one not in `skip`, else exhaustion.
    private AddressAllocation Pick(Dictionary<UInt128, string> used, string owner, HashSet<UInt128> skip)
    {
        if (used.FirstOrDefault(u => u.Value == owner) is { Value: not null } held)
        {
            var heldAddress = AddressMath.ToAddress(held.Key, Block.IsIPv6);
            return new AddressAllocation(AddressAllocationStatus.Existing, heldAddress, $"{owner} already holds {heldAddress}");
        }

        for (var candidate = _first; candidate <= _last; candidate++)
        {
            if (!used.ContainsKey(candidate) && !skip.Contains(candidate))
            {
                var address = AddressMath.ToAddress(candidate, Block.IsIPv6);
                return new AddressAllocation(AddressAllocationStatus.Allocated, address, $"picked {address} for {owner}");
            }
        }

        LogExhausted(_logger, Block, owner);
        return new AddressAllocation(
            AddressAllocationStatus.Exhausted, null, $"block {Block} of node {_node} has no free address left ({Capacity} pod addresses, all allocated)");
    }

    // CAS-creates the address record; keeps the view up to date on success and drops it when the create was lost.
    private async Task<bool> CreateAsync(string owner, IPAddress address, CancellationToken cancellationToken)
    {
        var record = new IpamAddressRecord
        {
            Address = StoreKeys.AddressText(address),
            Block = Block.ToString(),
            Owner = owner,
            AllocatedAt = _timeProvider.GetUtcNow(),
        };
        var created = await _store.CreateAsync(StoreKeys.IpamAddress(_cluster, _node, address), record.ToJson(), 0, cancellationToken).ConfigureAwait(false);
        lock (_viewLock)
        {
            if (created.Succeeded)
            {
                _view?.TryAdd(AddressMath.ToNumber(address), owner);
            }
            else
            {
                _view = null;
            }
        }

        if (created.Succeeded)
        {
            LogAllocated(_logger, address, owner);
        }

        return created.Succeeded;
    }

    /// <summary>Releases one address; false when it was not allocated.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<bool> ReleaseAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var released = await _store.DeleteAsync(StoreKeys.IpamAddress(_cluster, _node, address), cancellationToken).ConfigureAwait(false);
        lock (_viewLock)
        {
            _view?.Remove(AddressMath.ToNumber(address));
        }

        if (released)
        {
            LogReleased(_logger, address);
        }

        return released;
    }

    /// <summary>Releases every address <paramref name="owner"/> holds (a CNI DEL knows only the owner); returns how many.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<int> ReleaseOwnerAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var released = 0;
        foreach (var record in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.Owner == owner && IPAddress.TryParse(record.Address, out var address)
                && await ReleaseAsync(address, cancellationToken).ConfigureAwait(false))
            {
                released++;
            }
        }

        return released;
    }

    /// <summary>The addresses this node allocated in the block, in key order.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<IReadOnlyList<IpamAddressRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        var list = await _store.ListAsync(StoreKeys.IpamAddressesPrefix(_cluster, _node), cancellationToken).ConfigureAwait(false);
        return list.Items
            .Select(kv => IpamAddressRecord.FromJson(kv.Value))
            .OfType<IpamAddressRecord>()
            .Where(r => IPAddress.TryParse(r.Address, out var a) && Block.Contains(a))
            .ToList();
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    // A copy of the view (a block holds a few hundred addresses), read from the store when there is none (first use,
    // or dropped after a lost create).
    private async Task<Dictionary<UInt128, string>> ViewAsync(CancellationToken cancellationToken)
    {
        lock (_viewLock)
        {
            if (_view is { } view)
            {
                return new Dictionary<UInt128, string>(view);
            }
        }

        var read = new Dictionary<UInt128, string>();
        foreach (var record in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (IPAddress.TryParse(record.Address, out var address))
            {
                read.TryAdd(AddressMath.ToNumber(address), record.Owner);
            }
        }

        lock (_viewLock)
        {
            _view ??= read;
            return new Dictionary<UInt128, string>(_view);
        }
    }

    [LoggerMessage(EventId = 1210, Level = LogLevel.Debug, Message = "IPAM: allocated {Address} to {Owner}")]
    private static partial void LogAllocated(ILogger logger, IPAddress address, string owner);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Debug, Message = "IPAM: released {Address}")]
    private static partial void LogReleased(ILogger logger, IPAddress address);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Error, Message = "IPAM: block {Block} is exhausted; no address for {Owner}")]
    private static partial void LogExhausted(ILogger logger, Cidr block, string owner);
}
