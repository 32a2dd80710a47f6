using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Plexus.Interop.Bpf;
using static Plexus.Interop.Tests.BpfTestLayouts;

namespace Plexus.Interop.Tests;

/// <summary>C# mirrors of C structs must agree with the BTF clang emitted for them (sizes and member offsets).</summary>
public sealed class BpfLayoutTests
{
    private static readonly Lazy<JsonDocument> Btf = new(() => JsonDocument.Parse(BpfShell.Run("bpftool", "-j", "btf", "dump", "file", BpfTestFiles.TestObject)));

    public static TheoryData<string, Type> Mirrors => new()
    {
        { "__sk_buff", typeof(SkBuff) },
        { "plx_test_config", typeof(TestConfig) },
        { "proto_key", typeof(ProtoKey) },
        { "flow_key", typeof(FlowKey) },
        { "flow_stats", typeof(FlowStats) },
        { "lpm_v4_key", typeof(LpmV4Key) },
        { "packet_event", typeof(PacketEvent) },
        { "pcpu_value", typeof(PcpuValue) },
    };

    [Theory]
    [MemberData(nameof(Mirrors))]
    public void Mirror_struct_matches_the_btf_layout(string cName, Type mirror)
    {
        var types = Btf.Value.RootElement.GetProperty("types").EnumerateArray().ToList();
        var cStruct = types.Single(t => t.GetProperty("kind").GetString() == "STRUCT" && t.TryGetProperty("name", out var n) && n.GetString() == cName);

        Assert.Equal(cStruct.GetProperty("size").GetInt32(), SizeOf(mirror));
        foreach (var member in cStruct.GetProperty("members").EnumerateArray())
        {
            var name = member.GetProperty("name").GetString();
            if (string.IsNullOrEmpty(name) || name == "(anon)")
            {
                // __bpf_md_ptr members are anonymous unions around one pointer: use that pointer's name.
                var union = types.Single(t => t.GetProperty("id").GetInt32() == member.GetProperty("type_id").GetInt32());
                name = union.GetProperty("members")[0].GetProperty("name").GetString();
            }

            var field = mirror.GetFields().SingleOrDefault(f => Normalize(f.Name) == Normalize(name!));
            Assert.True(field is not null, $"{mirror.Name} has no field for {cName}.{name}");
            Assert.Equal(member.GetProperty("bits_offset").GetInt32() / 8, (int)Marshal.OffsetOf(mirror, field.Name));
        }
    }

    [Fact]
    public void SkBuff_control_block_is_five_words()
    {
        Assert.Equal(20, Unsafe.SizeOf<SkBuffControlBlock>());
        Assert.Equal(16, Unsafe.SizeOf<SkBuffIp6Address>());
        Assert.Equal(192, Unsafe.SizeOf<SkBuff>());
    }

    private static int SizeOf(Type type) => (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    private static string Normalize(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
}
