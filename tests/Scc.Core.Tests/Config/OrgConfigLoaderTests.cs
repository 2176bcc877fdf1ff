using Scc.Core.Config;
using Scc.Core.Errors;

namespace Scc.Core.Tests.Config;

public sealed class OrgConfigLoaderTests
{
    /// <summary>An org file in the existing SCC format, using every section that format knows.</summary>
    internal const string ExistingFormat = """
        {
          "$schema": "https://scc-cli.dev/schemas/org-v1.json",
          "schema_version": "1.0.0",
          "min_cli_version": "1.7.0",
          "organization": { "name": "Example Org", "id": "example-org", "contact": "it@example.invalid" },
          "marketplaces": {
            "internal": { "source": "github", "owner": "example-org", "repo": "plugins", "branch": "main", "path": "/" },
            "mirror": { "source": "url", "url": "https://plugins.example.invalid/manifest.json", "materialization_mode": "metadata_only" },
            "local": { "source": "directory", "path": "./plugins" },
            "gitsrc": { "source": "git", "url": "git@example.invalid:org/plugins.git" }
          },
          "security": {
            "blocked_plugins": ["known-malicious-*", "deprecated-tool"],
            "blocked_mcp_servers": ["*.untrusted.example", "evil.example.org"],
            "allow_stdio_mcp": true,
            "allowed_stdio_prefixes": ["/usr/local/bin", "/opt/mcp"],
            "safety_net": { "action": "block", "block_force_push": true, "block_reset_hard": true, "block_branch_force_delete": true,
                            "block_checkout_restore": false, "block_clean": true, "block_stash_destructive": true }
          },
          "defaults": {
            "allowed_plugins": ["*"],
            "allowed_mcp_servers": ["*.example.invalid"],
            "enabled_plugins": ["code-review@internal", "internal-docs@internal"],
            "disabled_plugins": ["legacy-*"],
            "extra_marketplaces": ["mirror"],
            "cache_ttl_hours": 12,
            "network_policy": "corp-proxy-only",
            "session": { "timeout_hours": 8, "auto_resume": true }
          },
          "delegation": {
            "teams": { "allow_additional_plugins": ["*"], "allow_additional_mcp_servers": ["platform", "data-*"] },
            "projects": { "inherit_team_delegation": true }
          },
          "profiles": {
            "platform": {
              "description": "Platform team",
              "additional_plugins": ["k8s-tools@internal"],
              "additional_mcp_servers": [
                { "name": "tickets", "type": "sse", "url": "https://tickets.example.invalid/mcp", "headers": { "Authorization": "Bearer ${TOKEN}" } },
                { "name": "local-db", "type": "stdio", "command": "/usr/local/bin/db-mcp", "args": ["--ro"], "env": { "DB": "x" } }
              ],
              "network_policy": "isolated",
              "session": { "timeout_hours": 4 },
              "delegation": { "allow_project_overrides": true }
            },
            "data-science": {
              "description": "Federated",
              "config_source": { "source": "url", "url": "https://teams.example.invalid/data.json", "headers": { "X-Token": "${T}" } },
              "trust": { "inherit_org_marketplaces": true, "allow_additional_marketplaces": false, "marketplace_source_patterns": [] }
            }
          },
          "stats": { "enabled": true, "user_identity_mode": "hash", "retention_days": 30 }
        }
        """;

    [Fact]
    public void Parse_ExistingScc1Format_ValidatesUnchanged()
    {
        var result = OrgConfigLoader.Parse(ExistingFormat, "org.json");

        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
        result.IsValid.ShouldBeTrue();
        var config = result.Config!;
        config.Organization.Id.ShouldBe("example-org");
        config.Marketplaces["internal"].Owner.ShouldBe("example-org");
        config.Security.BlockedPlugins.ShouldBe(["known-malicious-*", "deprecated-tool"]);
        config.Security.SafetyNet!.BlockCheckoutRestore.ShouldBe(false);
        config.Defaults.AllowedMcpServers.ShouldBe(["*.example.invalid"]);
        config.Defaults.CacheTtlHours.ShouldBe(12);
        config.Delegation.Teams.AllowAdditionalMcpServers.ShouldBe(["platform", "data-*"]);
        config.Profiles["platform"].AdditionalMcpServers[1].Args.ShouldBe(["--ro"]);
        config.Profiles["platform"].Delegation!.AllowProjectOverrides.ShouldBeTrue();
        config.Profiles["data-science"].ConfigSource!.Url.ShouldBe("https://teams.example.invalid/data.json");
        config.Profiles["data-science"].IsFederated.ShouldBeTrue();
        config.Stats!.RetentionDays.ShouldBe(30);
        config.Security.AllowedProviders.ShouldBeNull();
    }

    [Fact]
    public void Parse_SccAdditions_AreTyped()
    {
        const string Text = """
            {"schema_version": "1.0.0", "organization": {"name": "O", "id": "o"},
             "security": {"allowed_providers": ["prov-a"],
               "provider_plugins": {"allow": [{"id": "acme.agent", "publisher": "Acme", "sha256": "ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01"}], "block": ["evil.*"]},
               "safety_net": {"rules": {"block_gc_prune": false}}},
             "defaults": {"egress": {"destinations": ["registry.example.com", "*.packages.example.com:443"], "sets": ["pkgs"], "private_networks": ["10.1.0.0/16"]}},
             "destination_sets": {"pkgs": ["files.example.com"]},
             "delegation": {"teams": {"allow_additional_destinations": ["web-*"]}},
             "profiles": {"web-a": {"egress": {"destinations": ["api.example.invalid"]}}}}
            """;

        var config = OrgConfigLoader.Parse(Text, "o.json").GetOrThrow();

        config.Security.AllowedProviders.ShouldBe(["prov-a"]);
        config.Security.ProviderPlugins.Allow!.Single().Publisher.ShouldBe("Acme");
        config.Security.ProviderPlugins.Block.ShouldBe(["evil.*"]);
        config.Security.SafetyNet!.Rules!["block_gc_prune"].ShouldBeFalse();
        config.Defaults.Egress!.PrivateNetworks.ShouldBe(["10.1.0.0/16"]);
        config.DestinationSets["pkgs"].ShouldBe(["files.example.com"]);
        config.Delegation.Teams.AllowAdditionalDestinations.ShouldBe(["web-*"]);
        config.Profiles["web-a"].Egress!.Destinations.ShouldBe(["api.example.invalid"]);
    }

    [Fact]
    public void Parse_InvalidJson_NamesLineAndColumn()
    {
        var result = OrgConfigLoader.Parse("{\n  \"schema_version\": \"1.0.0\",\n  \"organization\": {\"name\": \"x\",}\n}", "bad.json");

        var error = result.Errors.Single();
        error.Code.ShouldBe("json.syntax");
        error.Line.ShouldBe(3);
        error.Column.ShouldNotBeNull();
        error.ToString().ShouldStartWith("bad.json:3:");
        Should.Throw<ConfigException>(result.GetOrThrow).Message.ShouldContain("bad.json:3:");
    }

    [Fact]
    public void Parse_SchemaViolation_NamesJsonPathAndLine()
    {
        const string Text = "{\n \"schema_version\": \"1.0.0\",\n \"organization\": {\"name\": \"O\", \"id\": \"o\"},\n \"profiles\": {\"team-a\": {\n   \"additional_plugins\": [\"ok\", 7]}}\n}";

        var result = OrgConfigLoader.Parse(Text, "o.json");

        result.IsValid.ShouldBeFalse();
        var error = result.Errors.Single();
        error.Path.ShouldBe("$.profiles.team-a.additional_plugins[1]");
        error.Line.ShouldBe(5);
        error.Message.ShouldContain("string");
    }

    [Theory]
    [InlineData("""{"schema_version": "1.0.0"}""", "$.organization")]
    [InlineData("""{"schema_version": "1.0.0", "organization": {"name": "O", "id": "Bad Id"}}""", "$.organization.id")]
    [InlineData("""{"schema_version": "1.0.0", "organization": {"name": "O", "id": "o"}, "security": {"blocked_plugin": []}}""", "$.security.blocked_plugin")]
    [InlineData("""{"schema_version": "1.0.0", "organization": {"name": "O", "id": "o"}, "defaults": {"network_policy": "wide-open"}}""", "$.defaults.network_policy")]
    [InlineData("""{"schema_version": "1.0.0", "organization": {"name": "O", "id": "o"}, "defaults": {"cache_ttl_hours": 500}}""", "$.defaults.cache_ttl_hours")]
    [InlineData("""{"schema_version": "1.0.0", "organization": {"name": "O", "id": "o"}, "profiles": {"t": {"config_source": 5}}}""", "$.profiles.t.config_source")]
    [InlineData("""{"schema_version": "1.0.0", "organization": {"name": "O", "id": "o"}, "security": {"provider_plugins": {"allow": [{"id": "x", "sha256": "short"}]}}}""", "$.security.provider_plugins.allow[0].sha256")]
    public void Parse_SchemaViolations_ReportPath(string text, string path)
    {
        var result = OrgConfigLoader.Parse(text, "o.json");

        result.IsValid.ShouldBeFalse();
        result.Errors.Select(e => e.Path).ShouldContain(path, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Parse_UnknownSchemaVersion_IsRefusedWithVersionNamed()
    {
        var result = OrgConfigLoader.Parse("""{"schema_version": "2.0.0", "organization": {"name": "O", "id": "o"}}""", "o.json");

        result.Errors.Single().Message.ShouldContain("'2.0.0'");
        result.Errors.Single().Message.ShouldContain("1.0.0");
    }

    [Fact]
    public void Parse_MinCliVersionAboveOurs_IsRefusedWithVersionNamed()
    {
        const string Text = """{"schema_version": "1.0.0", "min_cli_version": "9.1.0", "organization": {"name": "O", "id": "o"}}""";

        var result = OrgConfigLoader.Parse(Text, "o.json", new Version(2, 0, 0));

        result.IsValid.ShouldBeFalse();
        result.Errors.Single().Message.ShouldContain("9.1.0");
        result.Errors.Single().Message.ShouldContain("2.0.0");
    }

    [Fact]
    public void CliVersion_Current_IsOnThe2Line_SoOldOrgFilesPass()
    {
        CliVersion.Current.Major.ShouldBeGreaterThanOrEqualTo(2);
        CliVersion.Parse("2.0.0-beta.1+abc").ShouldBe(new Version(2, 0, 0));
        CliVersion.Parse("x.y").ShouldBeNull();
    }

    [Fact]
    public void Parse_UnknownKeysWhereFormatAllowsThem_AreWarnings()
    {
        const string Text = """{"schema_version": "1.0.0", "organization": {"name": "O", "id": "o", "region": "eu"}, "future": 1, "profiles": {"t": {"owner": "x"}}}""";

        var result = OrgConfigLoader.Parse(Text, "o.json");

        result.IsValid.ShouldBeTrue();
        result.Warnings.Select(w => w.Path).ShouldBe(["$.future", "$.organization.region", "$.profiles.t.owner"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("""{"security": {"blocked_plugins": ["bad-*"]}, "profiles": {"t": {"additional_plugins": ["BAD-thing@m"]}}}""", "invariant.team_plugin_blocked", "$.profiles.t.additional_plugins[0]")]
    [InlineData("""{"security": {"blocked_plugins": ["bad-*"]}, "defaults": {"enabled_plugins": ["ok", "bad-x"]}}""", "invariant.enabled_plugin_blocked", "$.defaults.enabled_plugins[1]")]
    [InlineData("""{"profiles": {"t": {"additional_mcp_servers": [{"name": "", "type": "sse", "url": "https://a.example.invalid"}]}}}""", "invariant.mcp_no_identifier", "$.profiles.t.additional_mcp_servers[0].name")]
    [InlineData("""{"profiles": {"t": {"additional_mcp_servers": [{"name": "n", "type": "http"}]}}}""", "invariant.mcp_no_identifier", "$.profiles.t.additional_mcp_servers[0]")]
    [InlineData("""{"security": {"allow_stdio_mcp": true, "allowed_stdio_prefixes": ["/opt/ok"]}, "profiles": {"t": {"additional_mcp_servers": [{"name": "n", "type": "stdio", "command": "/opt/ok/../../bin/sh"}]}}}""", "invariant.stdio_outside_prefixes", "$.profiles.t.additional_mcp_servers[0].command")]
    [InlineData("""{"security": {"blocked_mcp_servers": ["*.evil.example"]}, "profiles": {"t": {"additional_mcp_servers": [{"name": "n", "type": "sse", "url": "https://x.evil.example/mcp"}]}}}""", "invariant.mcp_blocked", "$.profiles.t.additional_mcp_servers[0]")]
    [InlineData("""{"profiles": {"t": {"config_source": "http://teams.example.invalid/t.json"}}}""", "invariant.config_source_url", "$.profiles.t.config_source")]
    [InlineData("""{"defaults": {"egress": {"destinations": ["*.com"]}}}""", "invariant.destination_syntax", "$.defaults.egress.destinations[0]")]
    [InlineData("""{"defaults": {"egress": {"destinations": ["http://x.example"]}}}""", "invariant.destination_syntax", "$.defaults.egress.destinations[0]")]
    [InlineData("""{"profiles": {"t": {"egress": {"sets": ["nope"]}}}}""", "invariant.unknown_destination_set", "$.profiles.t.egress.sets[0]")]
    [InlineData("""{"profiles": {"t": {"egress": {"private_networks": ["10.0.0.0/8"]}}}}""", "invariant.private_networks_not_org", "$.profiles.t.egress.private_networks[0]")]
    [InlineData("""{"marketplaces": {"m": {"source": "url", "url": "http://plain.example"}}}""", "invariant.marketplace_http", "$.marketplaces.m.url")]
    public void Parse_SemanticInvariant_IsErrorWithPathAndLine(string body, string code, string path)
    {
        var text = """{"schema_version": "1.0.0", "organization": {"name": "O", "id": "o"},""" + "\n" + body[1..];

        var result = OrgConfigLoader.Parse(text, "o.json");

        result.IsValid.ShouldBeFalse();
        var error = result.Errors.FirstOrDefault(e => e.Code == code);
        error.ShouldNotBeNull(string.Join("\n", result.Diagnostics));
        error.Path.ShouldBe(path);
        error.Line.ShouldBe(2);
    }

    [Fact]
    public void Parse_ManyTeams_ValidatedInChunks_KeepPathsAndLines()
    {
        var teams = Enumerable.Range(0, 60).Select(i => i == 41
            ? $"\"team-{i}\": {{\"additional_plugins\": [1], \"session\": {{\"timeout_hours\": 99}}}}"
            : $"\"team-{i}\": {{\"description\": \"t{i}\", \"network_policy\": \"open\"}}");
        var text = "{\"schema_version\": \"1.0.0\", \"organization\": {\"name\": \"O\", \"id\": \"o\"}, \"stats\": {\"enabled\": 3},\n \"profiles\": {\n"
            + string.Join(",\n", teams) + "}}";

        var result = OrgConfigLoader.Parse(text, "o.json");

        result.IsValid.ShouldBeFalse();
        result.Errors.Select(e => (e.Path, e.Line)).ShouldBe(
            [("$.stats.enabled", 1), ("$.profiles.team-41.additional_plugins[0]", 44), ("$.profiles.team-41.session.timeout_hours", 44)]);
        OrgConfigLoader.Parse(text.Replace("[1]", "[\"p\"]").Replace("99", "9").Replace("\"enabled\": 3", "\"enabled\": true"), "o.json").IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Schema_IsEmbeddedAndIsTheRepositoryFile()
    {
        var repoFile = Path.Combine(RepoRoot.Find(), "schema", "org-config.schema.json");

        OrgConfigSchema.Text.ShouldBe(File.ReadAllText(repoFile));
    }
}

internal static class RepoRoot
{
    public static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Scc.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Scc.sln not found above the test folder.");
    }
}
