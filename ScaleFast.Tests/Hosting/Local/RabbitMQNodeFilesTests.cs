using ScaleFast.Hosting.Local;

namespace ScaleFast.Tests.Hosting.Local;

[Trait("Tier", "Fast")]
public sealed class RabbitMQNodeFilesTests
{
    [Fact]
    public void Password_hash_matches_the_example_in_the_RabbitMQ_documentation()
    {
        // https://www.rabbitmq.com/docs/passwords: salt 0x908DC60A, password "test12".
        var hash = RabbitMQNodeFiles.HashPassword("test12", [0x90, 0x8D, 0xC6, 0x0A]);

        Assert.Equal("kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUV2POR", hash);
    }

    [Fact]
    public void Password_hashes_are_salted()
    {
        Assert.NotEqual(RabbitMQNodeFiles.HashPassword("same"), RabbitMQNodeFiles.HashPassword("same"));
    }

    [Fact]
    public async Task Node_files_keep_the_password_from_other_users()
    {
        var directory = Directory.CreateTempSubdirectory("scalefast-rabbitmq-");
        try
        {
            var files = new RabbitMQNodeFiles(directory.FullName);

            using var authority = LocalCertificateAuthority.Create("rabbitmq");

            await files.WriteAsync("scalefast", "s3cret", 15672, 15692, authority.IssueServer("rabbitmq"), CancellationToken.None);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.ConfigurationFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(files.MetricsTlsDirectory, "metrics.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.DefinitionsFile));
            Assert.Contains("default_user = scalefast", await File.ReadAllTextAsync(files.ConfigurationFile), StringComparison.Ordinal);
            Assert.DoesNotContain("guest", await File.ReadAllTextAsync(files.DefinitionsFile), StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
