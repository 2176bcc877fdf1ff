using System.Text.Json.Nodes;
using Scc.Core.Plugins;
using Scc.Testing;

namespace Scc.Core.Tests.Plugins;

public sealed class PluginHostTests : IDisposable
{
    private static readonly string BundledPlugins = Path.Combine(AppContext.BaseDirectory, "plugins");
    private readonly TestEnvironment _env = new();
    private readonly RecordingAuditLog _audit = new();
    private readonly string _builtIn;
    private readonly string _user;

    public PluginHostTests()
    {
        _builtIn = _env.Dir("app/plugins");
        _user = _env.Dir("user/plugins");
    }

    public void Dispose() => _env.Dispose();

    private PluginCatalog Load(PluginPolicy? policy = null) =>
        new PluginHost(new PluginDirectories(_builtIn, _user), new FixedPolicy(policy ?? PluginPolicy.Standalone), _audit).Load();

    private string AddBuiltIn(string id) => CopyPlugin(id, Path.Combine(_builtIn, id));

    private string AddUser(string id, string folderName) => CopyPlugin(id, Path.Combine(_user, folderName));

    private static string CopyPlugin(string id, string dest)
    {
        FileTree.Copy(Path.Combine(BundledPlugins, id), dest);
        return dest;
    }

    private static void EditManifest(string folder, Action<JsonObject> edit)
    {
        var path = Path.Combine(folder, PluginManifest.FileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    private static PluginPolicy Policy(string securityJson)
    {
        var doc = JsonNode.Parse(securityJson)!.AsObject();
        doc["schema_version"] = "1.0.0";
        doc["organization"] = new JsonObject { ["name"] = "Test", ["id"] = "test" };
        var loaded = Scc.Core.Config.OrgConfigLoader.Parse(doc.ToJsonString(), "test-org.json");
        loaded.Config.ShouldNotBeNull(string.Join("; ", loaded.Diagnostics));
        return PluginPolicy.FromOrg(loaded.Config!, "test-org.json");
    }

    private static PluginPolicy PinPolicy(string hash, string? publisher)
    {
        var entry = new JsonObject { ["id"] = "codex", ["sha256"] = hash };
        if (publisher is not null)
        {
            entry["publisher"] = publisher;
        }

        var root = new JsonObject { ["security"] = new JsonObject { ["provider_plugins"] = new JsonObject { ["allow"] = new JsonArray(entry) } } };
        return Policy(root.ToJsonString());
    }

    [Fact]
    public void Load_BuiltInPlugins_BothLoadedWithProvidersAndAudited()
    {
        AddBuiltIn("claude");
        AddBuiltIn("codex");

        var catalog = Load();

        catalog.Plugins.Select(p => (p.Id, p.State)).ShouldBe([("claude", PluginState.Loaded), ("codex", PluginState.Loaded)]);
        catalog.FindProvider("claude")!.Value.Provider.Spec.ImageReference.ShouldBe("scc-agent-claude");
        _audit.Events.Select(e => e.Type).ShouldBe(["plugin.loaded", "plugin.loaded"]);
    }

    [Fact]
    public void LoadOnly_OneProvider_OthersDecidedButTheirCodeNeverRuns()
    {
        AddBuiltIn("claude");
        var codex = AddBuiltIn("codex");
        File.WriteAllText(Path.Combine(codex, "Scc.Plugins.Codex.dll"), "garbage: loading this would fail");
        var throwing = Path.Combine(_user, "throwing");
        FileTree.Copy(Path.Combine(AppContext.BaseDirectory, "fixtures", "throwing"), throwing);
        File.WriteAllText(Path.Combine(throwing, PluginManifest.FileName), """
            {"id":"throwing","version":"0.1.0","displayName":"Throws","publisher":"tests","entryAssembly":"Scc.TestPlugins.Throwing.dll","abi":{"min":1,"max":1}}
            """);

        var host = new PluginHost(new PluginDirectories(_builtIn, _user), new FixedPolicy(PluginPolicy.Standalone), _audit);
        var catalog = host.Load(only: "CLAUDE");

        catalog.Plugins.Select(p => (p.Id, p.State)).ShouldBe([("claude", PluginState.Loaded), ("codex", PluginState.Approved), ("throwing", PluginState.Approved)]);
        catalog.FindProvider("claude")!.Value.Provider.Spec.ProviderId.ShouldBe("claude");
        catalog.Find("codex")!.Provider.ShouldBeNull();
        catalog.Loaded.Select(p => p.Id).ShouldBe(["claude"]);
        _audit.Events.Select(e => (e.Type, e.Subject)).ShouldBe([("plugin.loaded", "claude")]);
    }

    [Fact]
    public void Prepare_ThenLoadOnly_LoadedWithTheSameRecordAndEvent()
    {
        AddBuiltIn("claude");
        AddBuiltIn("codex");
        var host = new PluginHost(new PluginDirectories(_builtIn, _user), new FixedPolicy(PluginPolicy.Standalone), _audit);

        host.Prepare("claude");
        var catalog = host.Load(only: "claude");

        catalog.Plugins.Select(p => (p.Id, p.State)).ShouldBe([("claude", PluginState.Loaded), ("codex", PluginState.Approved)]);
        catalog.FindProvider("claude")!.Value.Provider.Spec.ProviderId.ShouldBe("claude");
        _audit.Events.Select(e => (e.Type, e.Subject)).ShouldBe([("plugin.loaded", "claude")]);
    }

    [Fact]
    public void Prepare_PolicyBlocksThePlugin_StillRefusedAndItsCodeNeverLoads()
    {
        // The entry assembly is garbage: had anything tried to load it, the plugin would be "failed", not "blocked".
        var claude = AddBuiltIn("claude");
        File.WriteAllText(Path.Combine(claude, "Scc.Plugins.Claude.dll"), "garbage: loading this would fail");
        var host = new PluginHost(new PluginDirectories(_builtIn, _user), new FixedPolicy(Policy("""{"security":{"provider_plugins":{"block":["claude"]}}}""")), _audit);

        host.Prepare("claude");
        var catalog = host.Load(only: "claude");

        catalog.Find("claude")!.State.ShouldBe(PluginState.Blocked);
        catalog.Find("claude")!.Provider.ShouldBeNull();
        _audit.Events.ShouldContain(e => e.Type == "plugin.refused" && e.Subject == "claude");
    }

    [Fact]
    public void Prepare_BrokenEntryAssembly_LoadReportsItFailedAsWithout()
    {
        string Reason(bool prepare)
        {
            var root = _env.Dir($"broken-{prepare}");
            var claude = CopyPlugin("claude", Path.Combine(root, "claude"));
            File.WriteAllText(Path.Combine(claude, "Scc.Plugins.Claude.dll"), "garbage: loading this would fail");
            var host = new PluginHost(new PluginDirectories(root, _user), new FixedPolicy(PluginPolicy.Standalone), _audit);
            if (prepare)
            {
                host.Prepare("claude");
            }

            var record = host.Load(only: "claude").Find("claude")!;
            record.State.ShouldBe(PluginState.Failed);
            return record.Reason!.Replace(root, "<root>", StringComparison.Ordinal);
        }

        Reason(prepare: true).ShouldBe(Reason(prepare: false));
    }

    [Fact]
    public void Prepare_UnknownProvider_NothingChanges()
    {
        AddBuiltIn("claude");
        var host = new PluginHost(new PluginDirectories(_builtIn, _user), new FixedPolicy(PluginPolicy.Standalone), _audit);

        host.Prepare("nope");
        var catalog = host.Load(only: "claude");

        catalog.Find("claude")!.State.ShouldBe(PluginState.Loaded);
        catalog.Find("nope").ShouldBeNull();
    }

    [Fact]
    public void LoadOnly_PolicyStillDecidesEveryPlugin_BlockedOnesRefusedAndAudited()
    {
        AddBuiltIn("claude");
        AddBuiltIn("codex");

        var host = new PluginHost(new PluginDirectories(_builtIn, _user), new FixedPolicy(Policy("""{"security":{"provider_plugins":{"block":["codex"]}}}""")), _audit);
        var catalog = host.Load(only: "claude");

        catalog.Find("codex")!.State.ShouldBe(PluginState.Blocked);
        catalog.Find("claude")!.State.ShouldBe(PluginState.Loaded);
        _audit.Events.ShouldContain(e => e.Type == "plugin.refused" && e.Subject == "codex");
    }

    [Fact]
    public void LoadOnly_AskedPluginIsBlocked_NothingLoaded()
    {
        AddBuiltIn("claude");
        AddBuiltIn("codex");

        var host = new PluginHost(new PluginDirectories(_builtIn, _user), new FixedPolicy(Policy("""{"security":{"provider_plugins":{"block":["claude"]}}}""")), _audit);
        var catalog = host.Load(only: "claude");

        catalog.Find("claude")!.State.ShouldBe(PluginState.Blocked);
        catalog.Find("codex")!.State.ShouldBe(PluginState.Approved);
        catalog.Loaded.ShouldBeEmpty();
    }

    [Fact]
    public void Load_ManifestMissing_InvalidOthersLoad()
    {
        AddBuiltIn("claude");
        var bad = AddUser("codex", "codex");
        File.Delete(Path.Combine(bad, PluginManifest.FileName));

        var catalog = Load();

        catalog.Find("claude")!.State.ShouldBe(PluginState.Loaded);
        var record = catalog.Plugins.Single(p => p.Folder == bad);
        record.State.ShouldBe(PluginState.Invalid);
        record.Reason!.ShouldContain("scc-plugin.json is missing");
        _audit.Events.ShouldContain(e => e.Type == "plugin.refused" && e.Subject == "codex" && e.Data!["state"]!.GetValue<string>() == "invalid");
    }

    [Fact]
    public void Load_ManifestNotJson_InvalidNamesLine()
    {
        var bad = AddUser("codex", "codex");
        File.WriteAllText(Path.Combine(bad, PluginManifest.FileName), "{\n  \"id\": \"codex\",\n  oops\n}");

        var record = Load().Plugins.Single();

        record.State.ShouldBe(PluginState.Invalid);
        record.Reason!.ShouldContain("not valid JSON (line 3");
    }

    [Fact]
    public void Load_ManifestWrongType_InvalidNamesField()
    {
        var bad = AddUser("codex", "codex");
        EditManifest(bad, m => m["abi"] = new JsonObject { ["min"] = "1", ["max"] = 1 });

        var record = Load().Plugins.Single();

        record.State.ShouldBe(PluginState.Invalid);
        record.Reason!.ShouldContain("\"abi.min\" must be an integer (got the string \"1\")");
    }

    [Fact]
    public void Load_ManifestIdDiffersFromFolder_Invalid()
    {
        AddUser("codex", "other");

        var record = Load().Plugins.Single();

        record.State.ShouldBe(PluginState.Invalid);
        record.Reason!.ShouldContain("differs from the folder name \"other\"");
    }

    [Fact]
    public void Load_TwoPluginsSameId_SecondInvalidFirstLoaded()
    {
        AddBuiltIn("codex");
        AddUser("codex", "codex");

        var catalog = Load();

        catalog.Plugins.Count.ShouldBe(2);
        catalog.Plugins[0].State.ShouldBe(PluginState.Loaded);
        catalog.Plugins[0].Origin.ShouldBe(PluginOrigin.BuiltIn);
        catalog.Plugins[1].State.ShouldBe(PluginState.Invalid);
        catalog.Plugins[1].Reason!.ShouldContain("another plugin with id \"codex\"");
    }

    [Fact]
    public void Load_AbiRangeExcludesHost_IncompatibleWithoutLoadingCode()
    {
        var folder = AddUser("codex", "codex");
        EditManifest(folder, m => m["abi"] = new JsonObject { ["min"] = 2, ["max"] = 3 });
        File.WriteAllText(Path.Combine(folder, "Scc.Plugins.Codex.dll"), "not an assembly: loading it would fail");

        var record = Load().Plugins.Single();

        record.State.ShouldBe(PluginState.Incompatible);
        record.Reason!.ShouldContain("ABI 2..3");
    }

    [Fact]
    public void Load_EntryAssemblyMissing_Invalid()
    {
        var folder = AddUser("codex", "codex");
        File.Delete(Path.Combine(folder, "Scc.Plugins.Codex.dll"));

        var record = Load().Plugins.Single();

        record.State.ShouldBe(PluginState.Invalid);
        record.Reason!.ShouldContain("entry assembly Scc.Plugins.Codex.dll");
    }

    [Fact]
    public void Load_ConstructorThrows_FailedWithMessageOthersLoad()
    {
        AddBuiltIn("claude");
        var folder = Path.Combine(_user, "throwing");
        FileTree.Copy(Path.Combine(AppContext.BaseDirectory, "fixtures", "throwing"), folder);
        File.WriteAllText(Path.Combine(folder, PluginManifest.FileName), """
            {"id":"throwing","version":"0.1.0","displayName":"Throws","publisher":"tests","entryAssembly":"Scc.TestPlugins.Throwing.dll","abi":{"min":1,"max":1}}
            """);

        var catalog = Load();

        catalog.Find("claude")!.State.ShouldBe(PluginState.Loaded);
        var record = catalog.Find("throwing")!;
        record.State.ShouldBe(PluginState.Failed);
        record.Reason!.ShouldContain("boom from the plugin constructor");
        _audit.Events.ShouldContain(e => e.Type == "plugin.refused" && e.Subject == "throwing");
    }

    [Fact]
    public void Load_NotOnAllowList_BlockedBeforeLoading()
    {
        var folder = AddUser("codex", "codex");
        File.WriteAllText(Path.Combine(folder, "Scc.Plugins.Codex.dll"), "garbage: never loaded");

        var record = Load(Policy("""{"security":{"provider_plugins":{"allow":[{"id":"gemini"}]}}}""")).Plugins.Single();

        record.State.ShouldBe(PluginState.Blocked);
        record.Reason!.ShouldContain("not on security.provider_plugins.allow");
    }

    [Fact]
    public void Load_OnBlockList_BlockedEvenWhenBuiltIn()
    {
        AddBuiltIn("claude");
        AddBuiltIn("codex");

        var catalog = Load(Policy("""{"security":{"provider_plugins":{"block":["cod*"]}}}"""));

        catalog.Find("claude")!.State.ShouldBe(PluginState.Loaded);
        catalog.Find("codex")!.State.ShouldBe(PluginState.Blocked);
        catalog.Find("codex")!.Reason!.ShouldContain("\"cod*\"");
        _audit.Events.ShouldContain(e => e.Type == "plugin.refused" && e.Subject == "codex" && e.Data!["state"]!.GetValue<string>() == "blocked");
    }

    [Fact]
    public void Load_AllowedProvidersExcludes_Blocked()
    {
        AddBuiltIn("claude");
        AddBuiltIn("codex");

        var catalog = Load(Policy("""{"security":{"allowed_providers":["claude"]}}"""));

        catalog.Find("codex")!.State.ShouldBe(PluginState.Blocked);
        catalog.Find("codex")!.Reason!.ShouldContain("security.allowed_providers");
        catalog.Find("claude")!.State.ShouldBe(PluginState.Loaded);
    }

    [Fact]
    public void Load_PinnedHashMatches_Loaded()
    {
        var folder = AddUser("codex", "codex");
        var hash = PluginHasher.Compute(folder);

        var record = Load(PinPolicy(hash, "scc")).Plugins.Single();

        record.State.ShouldBe(PluginState.Loaded);
    }

    [Fact]
    public void Load_DllChangedAfterPin_HashMismatch()
    {
        var folder = AddUser("codex", "codex");
        var policy = PinPolicy(PluginHasher.Compute(folder), null);
        var dll = Path.Combine(folder, "Scc.Plugins.Codex.dll");
        var bytes = File.ReadAllBytes(dll);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(dll, bytes);

        var record = Load(policy).Plugins.Single();

        record.State.ShouldBe(PluginState.HashMismatch);
        _audit.Events.ShouldContain(e => e.Type == "plugin.refused" && e.Data!["state"]!.GetValue<string>() == "hash-mismatch");
    }

    [Fact]
    public void Load_DllAddedAfterPin_HashMismatch()
    {
        var folder = AddUser("codex", "codex");
        var policy = PinPolicy(PluginHasher.Compute(folder), null);
        File.WriteAllText(Path.Combine(folder, "Extra.dll"), "planted");

        Load(policy).Plugins.Single().State.ShouldBe(PluginState.HashMismatch);
    }

    [Fact]
    public void Load_WrongPublisher_Blocked()
    {
        AddUser("codex", "codex");

        var record = Load(Policy("""{"security":{"provider_plugins":{"allow":[{"id":"codex","publisher":"someone-else"}]}}}""")).Plugins.Single();

        record.State.ShouldBe(PluginState.Blocked);
        record.Reason!.ShouldContain("publisher \"scc\"");
    }

    [Fact]
    public void Load_AuditUnwritable_CatalogReportsIt()
    {
        AddBuiltIn("claude");
        _audit.Fail = true;

        var catalog = Load();

        catalog.Find("claude")!.State.ShouldBe(PluginState.Loaded);
        catalog.AuditError!.ShouldContain("simulated failure");
    }

    [Fact]
    public void Hash_RenameFile_ChangesPin()
    {
        var folder = AddUser("codex", "codex");
        var before = PluginHasher.Compute(folder);
        File.Move(Path.Combine(folder, "Scc.Plugins.Codex.pdb"), Path.Combine(folder, "renamed.pdb"));

        PluginHasher.Compute(folder).ShouldNotBe(before);
        before.ShouldStartWith("sha256:");
    }

    private sealed class FixedPolicy(PluginPolicy policy) : IPluginPolicySource
    {
        public PluginPolicy GetPolicy() => policy;
    }
}
