using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Plexus.Model.State;

/// <summary>Reads stored JSON records, turning malformed input into null.</summary>
internal static class StateJson
{
    /// <summary>Parses <paramref name="json"/> as <typeparamref name="T"/>; null when it is not valid JSON of that shape.</summary>
    public static T? Read<T>(string json, JsonTypeInfo<T> type)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
