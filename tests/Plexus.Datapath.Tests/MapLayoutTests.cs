using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Plexus.Datapath.Maps;

namespace Plexus.Datapath.Tests;

/// <summary>
/// Every C# map struct has the size and field offsets of its C struct, read from the BTF of the compiled objects
/// (bpftool). Padding members (pad*) are private in C#; every other member must line up in order.
/// </summary>
public sealed class MapLayoutTests
{
    private static readonly Lazy<Dictionary<string, JsonObject>> Btf = new(LoadBtf);

    public static TheoryData<string, Type> Layouts() => new()
    {
        { "endpoint_key", typeof(EndpointKey) },
        { "endpoint_info", typeof(EndpointInfo) },
        { "ipcache_key", typeof(IpCacheKey) },
        { "ipcache_info", typeof(IpCacheInfo) },
        { "flow_tuple", typeof(FlowTuple) },
        { "ct_entry", typeof(CtEntry) },
        { "nat_entry", typeof(NatEntry) },
        { "metrics_value", typeof(MetricsValue) },
        { "flow_event", typeof(FlowEvent) },
        { "addr", typeof(Addr16) },
        { "lb_service_key", typeof(LbServiceKey) },
        { "lb_service", typeof(LbService) },
        { "lb_backend", typeof(LbBackend) },
        { "lb_revnat", typeof(LbRevNat) },
        { "lb_affinity_key", typeof(LbAffinityKey) },
        { "lb_affinity", typeof(LbAffinity) },
        { "policy_key", typeof(PolicyMapKey) },
        { "policy_entry", typeof(PolicyMapEntry) },
        { "policy_state", typeof(PolicyState) },
    };

    /// <summary>
    /// The metrics array is indexed by the four bytes of a metrics_key (no BTF of its own: the map's key is a __u32), so
    /// the C# key must be exactly those bytes; the drop tests check counts land under the key user space builds.
    /// </summary>
    [Fact]
    public void Metrics_key_is_the_four_bytes_of_the_array_index()
    {
        Assert.Equal(4, Unsafe.SizeOf<MetricsKey>());
        var key = new MetricsKey { Reason = 158, Direction = 2 };
        Assert.Equal(new byte[] { 158, 2, 0, 0 }, MemoryMarshal.AsBytes(new ReadOnlySpan<MetricsKey>(ref key)).ToArray());
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Csharp_struct_matches_the_C_layout(string cName, Type type)
    {
        var btf = Btf.Value[cName];
        Assert.Equal(btf["size"]!.GetValue<int>(), SizeOf(type));
        if (type == typeof(Addr16))
        {
            return; // a union: size is all there is
        }

        var cMembers = btf["members"]!.AsArray()
            .Select(m => (Name: m!["name"]!.GetValue<string>(), Offset: m["bits_offset"]!.GetValue<int>() / 8))
            .Where(m => !m.Name.StartsWith("pad", StringComparison.Ordinal))
            .ToList();
        var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public).ToList();
        Assert.True(cMembers.Count == fields.Count,
            $"C {cName} has [{string.Join(", ", cMembers.Select(m => m.Name))}], C# {type.Name} has [{string.Join(", ", fields.Select(f => f.Name))}]");
        for (var i = 0; i < fields.Count; i++)
        {
            Assert.True(cMembers[i].Offset == OffsetOf(type, fields[i]),
                $"{type.Name}.{fields[i].Name} is at {OffsetOf(type, fields[i])}, C {cName}.{cMembers[i].Name} at {cMembers[i].Offset}");
        }
    }

    private static int SizeOf(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    /// <summary>Finds a field's offset by setting only that field to all-ones bytes and looking where they land.</summary>
    private static int OffsetOf(Type type, FieldInfo field) =>
        (int)typeof(MapLayoutTests).GetMethod(nameof(OffsetOfCore), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type, field.FieldType).Invoke(null, [field])!;

    private static int OffsetOfCore<TStruct, TField>(FieldInfo field)
        where TStruct : unmanaged
        where TField : unmanaged
    {
        Span<byte> ones = stackalloc byte[Unsafe.SizeOf<TField>()];
        ones.Fill(0xFF);
        object boxed = default(TStruct);
        field.SetValue(boxed, MemoryMarshal.Read<TField>(ones));
        var value = (TStruct)boxed;
        return MemoryMarshal.AsBytes(new Span<TStruct>(ref value)).IndexOf((byte)0xFF);
    }

    private static Dictionary<string, JsonObject> LoadBtf()
    {
        var info = new ProcessStartInfo("bpftool") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-j", "btf", "dump", "file", InstallPaths.BpfObject("bpf_lxc.o") })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var json = JsonNode.Parse(process.StandardOutput.ReadToEnd())!;
        process.WaitForExit();
        return json["types"]!.AsArray()
            .OfType<JsonObject>()
            .Where(t => t["kind"]?.GetValue<string>() is "STRUCT" or "UNION" && t["name"] is not null)
            .GroupBy(t => t["name"]!.GetValue<string>())
            .ToDictionary(g => g.Key, g => g.First());
    }
}
