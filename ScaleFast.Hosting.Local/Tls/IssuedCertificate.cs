using System.Runtime.Versioning;

namespace ScaleFast.Hosting.Local;

/// <summary>A certificate, its private key and the authority that signed it, as PEM.</summary>
/// <param name="CertificatePem">The certificate.</param>
/// <param name="KeyPem">Its private key.</param>
/// <param name="AuthorityPem">The certificate of the authority that signed it (and the peer's).</param>
public sealed record IssuedCertificate(string CertificatePem, string KeyPem, string AuthorityPem)
{
    /// <summary>Writes the three files, the key readable by its owner only.</summary>
    /// <param name="directory">Where to write them (created if missing).</param>
    /// <param name="name">The files' names: <c>{name}.crt</c>, <c>{name}.key</c> and <c>{name}-ca.crt</c>.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>Their paths.</returns>
    [UnsupportedOSPlatform("windows")]
    public async Task<CertificateFiles> WriteAsync(string directory, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(name);

        Directory.CreateDirectory(directory);
        var files = new CertificateFiles(
            Path.Combine(directory, $"{name}.crt"), Path.Combine(directory, $"{name}.key"), Path.Combine(directory, $"{name}-ca.crt"));
        await File.WriteAllTextAsync(files.CertificateFile, CertificatePem, cancellationToken);
        await LocalServers.WriteSecretFileAsync(files.KeyFile, KeyPem, cancellationToken);
        await File.WriteAllTextAsync(files.AuthorityFile, AuthorityPem, cancellationToken);
        return files;
    }
}
