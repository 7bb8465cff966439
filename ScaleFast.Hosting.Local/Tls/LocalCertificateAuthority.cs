using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ScaleFast.Hosting.Local;

/// <summary>
/// A certificate authority that lives as long as one AppHost run: it signs the certificates of a
/// local server and of its clients, so that the server can require a client certificate where it
/// has no password of its own to ask for (mutual TLS). Nothing it issues is trusted outside this run.
/// </summary>
internal sealed class LocalCertificateAuthority : IDisposable
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(30);

    private readonly ECDsa _key;
    private readonly X509Certificate2 _certificate;

    private LocalCertificateAuthority(ECDsa key, X509Certificate2 certificate)
    {
        _key = key;
        _certificate = certificate;
    }

    /// <summary>The authority's certificate, which the server and its clients trust.</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    public static LocalCertificateAuthority Create(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name} local CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        var now = DateTimeOffset.UtcNow;
        return new LocalCertificateAuthority(key, request.CreateSelfSigned(now.AddHours(-1), now + Validity));
    }

    /// <summary>A server certificate for <c>localhost</c> and <c>127.0.0.1</c>.</summary>
    public IssuedCertificate IssueServer(string name) => Issue(name, server: true);

    /// <summary>A client certificate the server accepts because this authority signed it.</summary>
    public IssuedCertificate IssueClient(string name) => Issue(name, server: false);

    private IssuedCertificate Issue(string name, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [server ? new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication") : new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], critical: false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(_certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), now.AddHours(-1), _certificate.NotAfter, RandomNumberGenerator.GetBytes(16));
        return new IssuedCertificate(certificate.ExportCertificatePem(), key.ExportECPrivateKeyPem(), CertificatePem);
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
    }
}
