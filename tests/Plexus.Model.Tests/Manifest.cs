namespace Plexus.Model.Tests;

/// <summary>Test helpers around <see cref="ManifestLoader"/>.</summary>
internal static class Manifest
{
    /// <summary>Parses <paramref name="text"/> as file <c>test.yaml</c>.</summary>
    public static ManifestParseResult Parse(string text, string file = "test.yaml") => ManifestLoader.Parse(text, file);

    /// <summary>Parses <paramref name="text"/>, asserts there is no error and exactly one resource of type <typeparamref name="T"/>.</summary>
    public static T Single<T>(string text)
        where T : Resource
    {
        var result = Parse(text);
        AssertOk(result);
        return Assert.IsType<T>(Assert.Single(result.Resources));
    }

    /// <summary>Asserts that <paramref name="result"/> has no error, printing them otherwise.</summary>
    public static void AssertOk(ManifestParseResult result) =>
        Assert.True(result.Ok, "unexpected errors:\n" + string.Join("\n", result.Errors));
}
