using System.Text.Json.Serialization;

namespace Plexus.Flows;

/// <summary>Hubble's TCP flags: only the flags that are set appear in JSON.</summary>
public sealed record FlowTcpFlags
{
    /// <summary>FIN.</summary>
    [JsonPropertyName("FIN")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Fin { get; init; }

    /// <summary>SYN.</summary>
    [JsonPropertyName("SYN")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Syn { get; init; }

    /// <summary>RST.</summary>
    [JsonPropertyName("RST")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Rst { get; init; }

    /// <summary>PSH.</summary>
    [JsonPropertyName("PSH")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Psh { get; init; }

    /// <summary>ACK.</summary>
    [JsonPropertyName("ACK")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Ack { get; init; }

    /// <summary>URG.</summary>
    [JsonPropertyName("URG")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Urg { get; init; }

    /// <summary>From the TCP header's flag byte.</summary>
    public static FlowTcpFlags FromByte(byte flags) => new()
    {
        Fin = (flags & 0x01) != 0,
        Syn = (flags & 0x02) != 0,
        Rst = (flags & 0x04) != 0,
        Psh = (flags & 0x08) != 0,
        Ack = (flags & 0x10) != 0,
        Urg = (flags & 0x20) != 0,
    };

    /// <summary>The names of the flags that are set, in Hubble's order (<c>SYN, ACK</c>).</summary>
    public IEnumerable<string> Names()
    {
        if (Syn)
        {
            yield return "SYN";
        }

        if (Ack)
        {
            yield return "ACK";
        }

        if (Psh)
        {
            yield return "PSH";
        }

        if (Fin)
        {
            yield return "FIN";
        }

        if (Rst)
        {
            yield return "RST";
        }

        if (Urg)
        {
            yield return "URG";
        }
    }
}
