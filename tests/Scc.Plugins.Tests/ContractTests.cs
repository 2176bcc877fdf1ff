using System.Text.Json;
using System.Text.RegularExpressions;
using Scc.Abstractions;
using Scc.Core.Plugins;
using Tomlyn;
using Tomlyn.Model;

namespace Scc.Plugins.Tests;

/// <summary>
/// The contract every provider plugin must meet, run against each plugin the real loader loads (built-ins and
/// the sample). A loaded plugin without golden files for every fragment fails <see cref="EveryLoadedPlugin_HasContractGoldenFiles"/>.
/// </summary>
public sealed partial class ContractTests
{
    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$")]
    private static partial Regex ImagePattern();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex VolumePattern();

    [GeneratedRegex(@"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d+)?$")]
    private static partial Regex HostPattern();

    private static (IAgentProvider Provider, IAgentRunner Runner, PluginRecord Record) Get(string id)
    {
        var record = PluginFixture.Catalog.Find(id)!;
        return (record.Provider!, record.Runner!, record);
    }

    [Fact]
    public void Loader_LoadsBuiltInsAndSample()
    {
        PluginFixture.Catalog.Loaded.Select(p => p.Id).Order().ShouldBe(["claude", "codex", "gemini"]);
    }

    [Fact]
    public void EveryLoadedPlugin_HasContractGoldenFiles()
    {
        foreach (var plugin in PluginFixture.Catalog.Loaded)
        {
            foreach (var name in Fragments.All.Keys)
            {
                var ext = plugin.Runner!.Render(Fragments.All[name]).Format;
                File.Exists(Path.Combine(GoldenFiles.Dir, plugin.Id, $"{name}.{ext}"))
                    .ShouldBeTrue($"plugin \"{plugin.Id}\" has no contract golden file {plugin.Id}/{name}.{ext}: add it (SCC_UPDATE_GOLDEN=1) and review it");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PluginFixture.LoadedIds), MemberType = typeof(PluginFixture))]
    public void Spec_FieldsValidAndConsistent(string id)
    {
        var (provider, runner, record) = Get(id);
        var spec = provider.Spec;
        spec.ProviderId.ShouldBe(record.Manifest!.Id);
        runner.ProviderId.ShouldBe(spec.ProviderId);
        IdPattern().IsMatch(spec.ProviderId).ShouldBeTrue();
        spec.DisplayName.ShouldNotBeNullOrWhiteSpace();
        ImagePattern().IsMatch(spec.ImageReference).ShouldBeTrue($"image reference {spec.ImageReference}");
        spec.ConfigDirectory.ShouldStartWith(".");
        spec.SettingsPath.ShouldStartWith(spec.ConfigDirectory + "/");
        spec.SettingsPath.Split('/').ShouldNotContain("..");
        Path.IsPathRooted(spec.SettingsPath).ShouldBeFalse();
        VolumePattern().IsMatch(spec.DataVolumeName).ShouldBeTrue($"volume {spec.DataVolumeName}");
        spec.DataMountPath.ShouldStartWith("/home/agent/");
        spec.RequiredEgressDestinations.ShouldNotBeEmpty();
        spec.RequiredEgressDestinations.ShouldAllBe(d => HostPattern().IsMatch(d));
        spec.AgentArgv.ShouldNotBeEmpty();
        spec.VersionArgv.ShouldNotBeEmpty();
        spec.VersionArgv[0].ShouldBe(spec.AgentArgv[0]);
        File.Exists(Path.Combine(record.Folder, spec.ImageBuildContext, "Dockerfile")).ShouldBeTrue("the plugin must ship the Dockerfile of its image");
        provider.Capabilities.McpTransports.ShouldContain(McpTransport.Stdio);
    }

    [Theory]
    [MemberData(nameof(PluginFixture.LoadedIds), MemberType = typeof(PluginFixture))]
    public void Render_EveryFragment_DeterministicParsesBackAndMatchesGolden(string id)
    {
        var (provider, runner, _) = Get(id);
        foreach (var (name, fragment) in Fragments.All)
        {
            var first = runner.Render(fragment);
            var second = runner.Render(fragment);
            second.Content.ShouldBe(first.Content, $"{name}: rendering must be deterministic");
            first.RelativePath.ShouldBe(provider.Spec.SettingsPath);
            first.Scope.ShouldBe(provider.Spec.SettingsScope);
            first.Content.Take(3).ShouldNotBe(new byte[] { 0xEF, 0xBB, 0xBF }, "no BOM");
            ParseBack(first).ShouldBeTrue();
            GoldenFiles.Match($"{id}/{name}.{first.Format}", first.Content);
        }
    }

    [Theory]
    [MemberData(nameof(PluginFixture.LoadedIds), MemberType = typeof(PluginFixture))]
    public void BuildLaunchSpec_WellFormed(string id)
    {
        var (provider, _, _) = Get(id);
        foreach (var resume in new[] { false, true })
        {
            var spec = provider.BuildLaunchSpec(new AgentLaunchContext("/workspace/project", "/home/agent", resume));
            spec.Argv.ShouldNotBeEmpty();
            spec.Argv[0].ShouldBe(provider.Spec.AgentArgv[0]);
            spec.WorkingDirectory.ShouldBe("/workspace/project");
            spec.Mounts.ShouldContain(m => m.VolumeName == provider.Spec.DataVolumeName && m.ContainerPath == provider.Spec.DataMountPath);
            spec.Mounts.ShouldAllBe(m => m.ContainerPath.StartsWith('/') && !m.VolumeName.Contains("docker.sock"));
            spec.Environment.Keys.ShouldAllBe(k => Regex.IsMatch(k, "^[A-Za-z_][A-Za-z0-9_]*$"));
        }
    }

    [Theory]
    [MemberData(nameof(PluginFixture.LoadedIds), MemberType = typeof(PluginFixture))]
    public async Task CheckAuth_EveryDataState_ReturnsWithoutThrowing(string id)
    {
        var (provider, _, _) = Get(id);
        (await provider.CheckAuthAsync(new FakeDataReader(null), CancellationToken.None)).State.ShouldBe(AuthState.Unknown);
        (await provider.CheckAuthAsync(new FakeDataReader(new Dictionary<string, byte[]>()), CancellationToken.None)).State.ShouldBe(AuthState.Missing);
        var garbage = new FakeDataReader(new GarbageFiles());
        (await provider.CheckAuthAsync(garbage, CancellationToken.None)).State.ShouldBe(AuthState.Missing);
    }

    [Theory]
    [MemberData(nameof(PluginFixture.LoadedIds), MemberType = typeof(PluginFixture))]
    public async Task BootstrapAuth_NotInteractive_FailsWithCommandToRun(string id)
    {
        var (provider, _, _) = Get(id);
        var host = new FakeBootstrapHost(interactive: false);
        var result = await provider.BootstrapAuthAsync(host, CancellationToken.None);
        result.Succeeded.ShouldBeFalse();
        result.Message.ShouldContain("scc start");
        host.Ran.ShouldBeEmpty();
    }

    private static bool ParseBack(RenderedSettings settings)
    {
        var text = System.Text.Encoding.UTF8.GetString(settings.Content);
        switch (settings.Format)
        {
            case "json":
                using (var doc = JsonDocument.Parse(text))
                {
                    return doc.RootElement.ValueKind == JsonValueKind.Object;
                }

            case "toml":
                return TomlSerializer.Deserialize<TomlTable>(text) is not null;
            default:
                return false;
        }
    }

    private sealed class FakeDataReader(IReadOnlyDictionary<string, byte[]>? files) : IProviderDataReader
    {
        public bool IsAvailable => files is not null;

        public Task<byte[]?> ReadFileAsync(string relativePath, CancellationToken cancellationToken) =>
            Task.FromResult(files!.TryGetValue(relativePath, out var b) ? b : null);
    }

    /// <summary>Every file the provider asks for exists and holds something that is not JSON.</summary>
    private sealed class GarbageFiles : Dictionary<string, byte[]>, IReadOnlyDictionary<string, byte[]>
    {
        bool IReadOnlyDictionary<string, byte[]>.TryGetValue(string key, out byte[] value)
        {
            value = "\u0000not json{"u8.ToArray();
            return true;
        }
    }

    private sealed class FakeBootstrapHost(bool interactive) : IAuthBootstrapHost
    {
        public List<IReadOnlyList<string>> Ran { get; } = [];

        public bool IsInteractive => interactive;

        public Task<int> RunInteractiveAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken)
        {
            Ran.Add(argv);
            return Task.FromResult(0);
        }
    }
}
