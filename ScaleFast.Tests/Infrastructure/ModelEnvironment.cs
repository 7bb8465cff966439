namespace ScaleFast.Tests.Infrastructure;

/// <summary>The environment the run-mode app model gives a resource, read from the model without starting it.</summary>
internal static class ModelEnvironment
{
    /// <summary>The variables (unresolved values: strings, parameters, expressions) of <paramref name="resourceName"/>.</summary>
    public static async Task<Dictionary<string, object>> ReadAsync(string resourceName, IEnumerable<string> arguments)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ScaleFast_AppHost>([.. arguments]);
        await using var app = await builder.BuildAsync();
        var resource = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        return await OfAsync(app, resource);
    }

    /// <summary>The variables the built (not started) <paramref name="app"/> gives <paramref name="resource"/>.</summary>
    public static async Task<Dictionary<string, object>> OfAsync(DistributedApplication app, IResource resource)
    {
        var environment = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(app.Services.GetRequiredService<DistributedApplicationExecutionContext>(), resource, environment);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return environment;
    }
}
