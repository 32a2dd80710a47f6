namespace Plexus.Model.Tests;

/// <summary>Dependency rules of the pure model project.</summary>
public class ArchitectureTests
{
    [Fact]
    public void Model_depends_on_no_other_Plexus_project()
    {
        var references = typeof(Resource).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Plexus.", StringComparison.Ordinal));
        Assert.Contains("YamlDotNet", references);
    }
}
