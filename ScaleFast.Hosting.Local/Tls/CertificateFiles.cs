namespace ScaleFast.Hosting.Local;

/// <summary>Where an <see cref="IssuedCertificate"/> was written.</summary>
/// <param name="CertificateFile">The certificate.</param>
/// <param name="KeyFile">Its private key (mode 0600).</param>
/// <param name="AuthorityFile">The authority's certificate.</param>
public sealed record CertificateFiles(string CertificateFile, string KeyFile, string AuthorityFile);
