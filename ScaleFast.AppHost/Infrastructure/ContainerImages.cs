namespace ScaleFast.AppHost.Infrastructure;

/// <summary>Which images the server containers run: <c>ScaleFast:ContainerImages</c>.</summary>
public enum ContainerImageSource
{
    /// <summary>The official images the Aspire integrations name (pulled from their registries).</summary>
    Official,

    /// <summary>
    /// The images <c>eng/container-images.sh</c> builds on this machine from Debian's packages, for
    /// machines that reach no registry (the tests use them). Grafana has no Debian package: it is left out.
    /// </summary>
    Local,
}

/// <summary>The names of the images <c>eng/container-images.sh</c> builds: <c>scalefast-local/&lt;server&gt;:bookworm</c>.</summary>
internal static class LocalContainerImages
{
    /// <summary>The Debian release they are built from, their tag.</summary>
    public const string Tag = "bookworm";

    public const string Postgres = "scalefast-local/postgres";
    public const string Redis = "scalefast-local/redis";
    public const string RabbitMQ = "scalefast-local/rabbitmq";
    public const string Prometheus = "scalefast-local/prometheus";
    public const string Smtp4dev = "scalefast-local/smtp4dev";

    /// <summary>Each server's local image with its tag, by resource name.</summary>
    public static readonly IReadOnlyDictionary<string, string> ByServer = new Dictionary<string, string>
    {
        [ResourceNames.Postgres] = $"{Postgres}:{Tag}",
        [ResourceNames.Redis] = $"{Redis}:{Tag}",
        [ResourceNames.RabbitMQ] = $"{RabbitMQ}:{Tag}",
        [ResourceNames.Mail] = $"{Smtp4dev}:{Tag}",
        [ResourceNames.Prometheus] = $"{Prometheus}:{Tag}",
    };

    /// <summary>Runs <paramref name="image"/> instead of the official image when the local images are chosen.</summary>
    public static IResourceBuilder<T> WithImageFrom<T>(this IResourceBuilder<T> server, ContainerImageSource source, string image)
        where T : ContainerResource =>
        source == ContainerImageSource.Local
            ? server.WithImageRegistry(null).WithImage(image, Tag)
            : server;
}
