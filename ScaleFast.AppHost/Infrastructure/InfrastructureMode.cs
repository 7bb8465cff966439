namespace ScaleFast.AppHost.Infrastructure;

/// <summary>How the servers (Postgres, Redis, RabbitMQ, …) of the app model run.</summary>
public enum InfrastructureMode
{
    /// <summary>Containers when a container runtime answers, otherwise local processes.</summary>
    Auto,

    /// <summary>The official Aspire container integrations.</summary>
    Containers,

    /// <summary>Local processes started from installed binaries; no container resource at all.</summary>
    Local,
}
