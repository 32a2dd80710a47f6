using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plexus.Flows;

/// <summary>Times as Hubble writes them: RFC 3339 in UTC with a <c>Z</c> (<c>2026-11-21T10:41:21.1482348Z</c>); any offset is accepted on read.</summary>
public sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc/>
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString() ?? throw new JsonException("time: a string is required"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
    }
}
