namespace ScaleFast.Hosting.Local;

/// <summary>How <see cref="LocalServersBuilderExtensions.PrepareLocalServers"/> prepares the local servers.</summary>
public sealed class LocalServersOptions
{
    /// <summary>
    /// Names the default data directory: <c>/var/lib/{name}/{name}-{hash}</c> as root, otherwise
    /// <c>~/.local/share/{name}/{name}-{hash}</c>, where the hash is of the AppHost's directory.
    /// </summary>
    public required string ApplicationName { get; init; }

    /// <summary>The servers the app runs: their programs must be installed.</summary>
    public required LocalServerKinds Servers { get; init; }

    /// <summary>Where the servers keep their data, instead of the default under <see cref="ApplicationName"/>.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Whether to delete the data kept from earlier runs first.</summary>
    public bool CleanStart { get; init; }
}
