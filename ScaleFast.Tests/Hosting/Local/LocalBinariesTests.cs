using ScaleFast.Hosting.Local;

namespace ScaleFast.Tests.Hosting.Local;

[Trait("Tier", "Fast")]
public sealed class LocalBinariesTests : IDisposable
{
    private readonly DirectoryInfo _bin = Directory.CreateTempSubdirectory("scalefast-bin-");

    [Fact]
    public void A_program_is_found_on_the_search_path_only_when_executable()
    {
        var binary = new LocalBinary("fake-server", "fake-package");
        var path = Path.Combine(_bin.FullName, "fake-server");
        File.WriteAllText(path, "#!/bin/sh\n");

        Assert.Null(LocalBinaries.Find(binary, _bin.FullName));

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal(path, LocalBinaries.Find(binary, _bin.FullName));
    }

    [Fact]
    public void Preferred_directories_come_before_the_search_path()
    {
        var preferred = _bin.CreateSubdirectory("preferred");
        var onPath = _bin.CreateSubdirectory("on-path");
        foreach (var dir in new[] { preferred, onPath })
        {
            var file = Path.Combine(dir.FullName, "fake-server");
            File.WriteAllText(file, "#!/bin/sh\n");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        var found = LocalBinaries.Find(new LocalBinary("fake-server", "fake-package", preferred.FullName), onPath.FullName);

        Assert.Equal(Path.Combine(preferred.FullName, "fake-server"), found);
    }

    [Fact]
    public void Every_missing_program_is_named_in_one_message_with_one_install_command()
    {
        var error = Assert.Throws<LocalServerSetupException>(() => LocalBinaries.Require(
            [new LocalBinary("missing-one", "package-one"), new LocalBinary("missing-two", "package-two")],
            _bin.FullName));

        Assert.Contains("'missing-one' (package package-one)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'missing-two' (package package-two)", error.Message, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install -y package-one package-two", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _bin.Delete(recursive: true);
}
