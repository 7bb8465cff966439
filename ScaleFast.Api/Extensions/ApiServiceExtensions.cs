namespace ScaleFast.Api.Extensions;

internal static class ApiServiceExtensions
{
    /// <summary>Connection names given by the AppHost.</summary>
    public const string DatabaseConnectionName = "scalefast";
    public const string RedisConnectionName = "redis";

    public static IHostApplicationBuilder AddApiServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();

        // Both register a readiness check: an instance that cannot reach them leaves the pool.
        builder.AddNpgsqlDataSource(DatabaseConnectionName);
        builder.AddRedisClient(RedisConnectionName);

        builder.Services.AddOptions<InstanceOptions>()
            .BindConfiguration(InstanceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        return builder;
    }
}
