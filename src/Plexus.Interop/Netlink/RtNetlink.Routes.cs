using System.Net;
using System.Net.Sockets;

namespace Plexus.Interop.Netlink;

public sealed partial class RtNetlink
{
    /// <summary>Adds a route (EEXIST if an identical one exists).</summary>
    public void AddRoute(RouteSpec route) =>
        ModifyRoute(route, Rtnl.NewRoute, NetlinkMessageFlags.Create | NetlinkMessageFlags.Exclusive, "add");

    /// <summary>Adds a route or replaces the one with the same destination, table and metric.</summary>
    public void ReplaceRoute(RouteSpec route) =>
        ModifyRoute(route, Rtnl.NewRoute, NetlinkMessageFlags.Create | NetlinkMessageFlags.Replace, "replace");

    /// <summary>Deletes the route matching <paramref name="route"/>; unset fields match anything (ESRCH if none).</summary>
    public void DeleteRoute(RouteSpec route) => ModifyRoute(route, Rtnl.DelRoute, NetlinkMessageFlags.None, "delete");

    /// <summary>The routes of <paramref name="family"/> in every table, or in <paramref name="table"/>; cached clones are left out.</summary>
    public IReadOnlyList<RouteSpec> ListRoutes(AddressFamily family, uint? table = null)
    {
        var nativeFamily = ToNative(family);
        if (nativeFamily == Rtnl.AfUnspec)
        {
            throw new ArgumentException("list routes of IPv4 or IPv6", nameof(family));
        }

        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = Begin(buffer, Rtnl.GetRoute, NetlinkMessageFlags.None);
        writer.WriteStruct(new RouteMessage { Family = nativeFamily });
        var routes = _socket.Dump(writer.Written, $"list {family} routes", ParseRoute);
        return table is { } id ? routes.FindAll(r => r.Table == id) : routes;
    }

    private void ModifyRoute(RouteSpec route, ushort type, NetlinkMessageFlags flags, string verb)
    {
        var operation = $"{verb} route {Describe(route)}";
        var family = FamilyOf(route.Destination.BaseAddress);
        if (route.Gateway is { } gateway && FamilyOf(gateway) != family)
        {
            throw new ArgumentException($"gateway {gateway} and destination {route.Destination} differ in family", nameof(route));
        }

        if (route.Source is { } source && FamilyOf(source) != family)
        {
            throw new ArgumentException($"source {source} and destination {route.Destination} differ in family", nameof(route));
        }

        var outputIndex = route.OutputLink is { } link ? ResolveIndex(link, operation) : 0;
        var deleting = type == Rtnl.DelRoute;
        var table = route.Table ?? RouteSpec.MainTable;

        // The same defaults iproute2 applies: a delete matches any scope; a direct unicast route is link-scoped.
        var scope = route.Scope ?? (deleting ? RouteScope.Nowhere : route.Type switch
        {
            RouteType.Local => RouteScope.Host,
            RouteType.Broadcast or RouteType.Multicast or RouteType.Anycast => RouteScope.Link,
            RouteType.Unicast or RouteType.Unspecified when route.Gateway is null => RouteScope.Link,
            _ => RouteScope.Universe,
        });

        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = Begin(buffer, type, flags);
        writer.WriteStruct(new RouteMessage
        {
            Family = family,
            DestinationLength = (byte)route.Destination.PrefixLength,
            Table = table < 256 ? (byte)table : (byte)0,
            Protocol = route.Protocol ?? (deleting ? (byte)0 : RouteSpec.BootProtocol),
            Scope = (byte)scope,
            Type = (byte)route.Type,
            Flags = route.OnLink ? Rtnl.RtnhFOnLink : 0,
        });
        if (route.Destination.PrefixLength > 0)
        {
            writer.WriteAddress(Rtnl.RtaDst, route.Destination.BaseAddress);
        }

        if (route.Gateway is { } via)
        {
            writer.WriteAddress(Rtnl.RtaGateway, via);
        }

        if (outputIndex > 0)
        {
            writer.WriteUInt32(Rtnl.RtaOif, (uint)outputIndex);
        }

        if (route.Source is { } preferred)
        {
            writer.WriteAddress(Rtnl.RtaPrefSrc, preferred);
        }

        if (route.Metric is { } metric)
        {
            writer.WriteUInt32(Rtnl.RtaPriority, metric);
        }

        writer.WriteUInt32(Rtnl.RtaTable, table);
        _socket.Execute(writer.Written, operation);
    }

    private static string Describe(RouteSpec route)
    {
        var text = route.Destination.ToString();
        if (route.Gateway is { } gateway)
        {
            text += $" via {gateway}";
        }

        if (route.OutputLink is { } link)
        {
            text += $" dev {link}";
        }

        return route.Table is { } table ? $"{text} table {table}" : text;
    }

    private static RouteSpec? ParseRoute(NetlinkMessage message)
    {
        if (message.Type != Rtnl.NewRoute)
        {
            return null;
        }

        var header = message.ReadStruct<RouteMessage>();
        if ((header.Flags & Rtnl.RtmFCloned) != 0 || header.Family is not (Rtnl.AfInet or Rtnl.AfInet6))
        {
            return null;
        }

        IPAddress? destination = null;
        IPAddress? gateway = null;
        IPAddress? source = null;
        uint? metric = null;
        var outputIndex = 0;
        uint table = header.Table;
        foreach (var attribute in message.GetAttributes<RouteMessage>())
        {
            switch (attribute.Type)
            {
                case Rtnl.RtaDst:
                    destination = attribute.GetAddress();
                    break;
                case Rtnl.RtaGateway:
                    gateway = attribute.GetAddress();
                    break;
                case Rtnl.RtaOif:
                    outputIndex = (int)attribute.GetUInt32();
                    break;
                case Rtnl.RtaPrefSrc:
                    source = attribute.GetAddress();
                    break;
                case Rtnl.RtaPriority:
                    metric = attribute.GetUInt32();
                    break;
                case Rtnl.RtaTable:
                    table = attribute.GetUInt32();
                    break;
            }
        }

        destination ??= header.Family == Rtnl.AfInet ? IPAddress.Any : IPAddress.IPv6Any;
        return new RouteSpec
        {
            Destination = new IPNetwork(destination, header.DestinationLength),
            Gateway = gateway,
            OutputLink = outputIndex > 0 ? LinkRef.ByIndex(outputIndex) : (LinkRef?)null,
            Scope = (RouteScope)header.Scope,
            OnLink = (header.Flags & Rtnl.RtnhFOnLink) != 0,
            Source = source,
            Table = table,
            Metric = metric,
            Type = (RouteType)header.Type,
            Protocol = header.Protocol,
        };
    }
}
