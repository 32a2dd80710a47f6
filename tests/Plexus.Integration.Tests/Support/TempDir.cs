namespace Plexus.Integration.Tests.Support;

/// <summary>A uniquely named temporary directory, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    /// <summary>The directory path.</summary>
    public string Path { get; } = Directory.CreateTempSubdirectory("plexus-test-").FullName;

    /// <summary>A path inside the directory.</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a file inside the directory and returns its path.</summary>
    public string Write(string name, string text)
    {
        var path = this[name];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process may still hold a file for a moment; the OS temp cleaner gets the rest.
        }
    }
}
