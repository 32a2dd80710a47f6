using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Plexus.Store.Tests;

/// <summary>A throw-away certificate authority (ECDSA P-256) that issues server and client certificates as PEM files.</summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private readonly X509Certificate2 _certificate;

    /// <summary>Creates a self-signed CA named <paramref name="name"/>.</summary>
    public TestCertificateAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        _certificate = request.CreateSelfSigned(now.AddHours(-1), now.AddYears(1));
    }

    /// <summary>Writes the CA certificate as PEM to <paramref name="path"/> and returns the path.</summary>
    public string WriteCertificate(string path)
    {
        File.WriteAllText(path, _certificate.ExportCertificatePem());
        return path;
    }

    /// <summary>
    /// Issues a server certificate for 127.0.0.1, ::1 and localhost into <paramref name="directory"/>. It may also
    /// authenticate as a client, which etcd's gateway needs: it dials its own gRPC port with the server certificate.
    /// </summary>
    public PemFiles IssueServer(string directory, string name)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        return Issue(directory, name, [ServerAuth, ClientAuth], names.Build());
    }

    /// <summary>Issues a client certificate into <paramref name="directory"/>.</summary>
    public PemFiles IssueClient(string directory, string name) => Issue(directory, name, [ClientAuth], null);

    /// <summary>Releases the CA's key.</summary>
    public void Dispose() => _certificate.Dispose();

    private PemFiles Issue(string directory, string name, OidCollection usages, X509Extension? subjectAlternativeNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, true, false));
        if (subjectAlternativeNames is not null)
        {
            request.CertificateExtensions.Add(subjectAlternativeNames);
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(_certificate, now.AddHours(-1), now.AddDays(30), serial);
        var files = new PemFiles(Path.Combine(directory, $"{name}.pem"), Path.Combine(directory, $"{name}-key.pem"));
        File.WriteAllText(files.CertFile, certificate.ExportCertificatePem());
        File.WriteAllText(files.KeyFile, key.ExportPkcs8PrivateKeyPem());
        return files;
    }
}
