using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Scc.Core.Config;

/// <summary>
/// The one JSON Schema of the org config (<c>schema/org-config.schema.json</c>, embedded) and validation against it.
/// Each error carries its JSON path and line; the schema is parsed once per process.
/// </summary>
internal static class OrgConfigSchema
{
    public const string ResourceName = "Scc.Core.Config.org-config.schema.json";

    private static readonly Lazy<string> SchemaText = new(ReadResource);

    // JsonSchema.FromJsonAsync has no synchronous twin; it does no I/O for a schema without remote refs.
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromJsonAsync(SchemaText.Value).GetAwaiter().GetResult());

    /// <summary>The schema text exactly as shipped (what <c>scc org schema</c> prints).</summary>
    public static string Text => SchemaText.Value;

    /// <summary>
    /// Validates an org config. Many team profiles are validated in parallel chunks (each against the TeamProfile
    /// definition, paths kept as if validated in place): an org with hundreds of teams stays fast.
    /// </summary>
    public static IReadOnlyList<ConfigDiagnostic> ValidateOrg(JToken document, string origin)
    {
        if (document is not JObject root || root["profiles"] is not JObject profiles || profiles.Count < ParallelThreshold)
        {
            return Validate(Schema.Value, document, origin);
        }

        var teams = profiles.Properties().ToArray();
        var profileSchema = Schema.Value.Definitions["TeamProfile"];
        var errors = new List<ValidationError>();
        // Validate the rest of the document with an empty profiles object, then put the real one back.
        root["profiles"] = new JObject();
        try
        {
            errors.AddRange(new JsonSchemaValidator().Validate(root, Schema.Value));
        }
        finally
        {
            root["profiles"] = profiles;
        }

        var chunks = Math.Min(Environment.ProcessorCount, 8);
        var perChunk = new List<ValidationError>[chunks];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, chunk =>
        {
            var validator = new PathValidator();
            var found = new List<ValidationError>();
            for (var i = chunk; i < teams.Length; i += chunks)
            {
                found.AddRange(validator.ValidateAt(teams[i].Value, profileSchema, teams[i].Name, "profiles." + teams[i].Name));
            }

            perChunk[chunk] = found;
        });
        errors.AddRange(perChunk.SelectMany(e => e));
        return Sorted(errors, origin);
    }

    private const int ParallelThreshold = 32;

    public static IReadOnlyList<ConfigDiagnostic> ValidateTeamFile(JToken document, string origin) =>
        Validate(Schema.Value.Definitions["TeamConfigFile"], document, origin);

    private static List<ConfigDiagnostic> Validate(JsonSchema schema, JToken document, string origin) =>
        Sorted(schema.Validate(document), origin);

    private static List<ConfigDiagnostic> Sorted(IEnumerable<ValidationError> errors, string origin)
    {
        var diagnostics = new List<ConfigDiagnostic>();
        foreach (var error in errors)
        {
            Flatten(error, origin, diagnostics);
        }

        return diagnostics
            .OrderBy(d => d.Line ?? 0)
            .ThenBy(d => d.Column ?? 0)
            .ThenBy(d => d.Path, StringComparer.Ordinal)
            .ToList();
    }

    private static void Flatten(ValidationError error, string origin, List<ConfigDiagnostic> into)
    {
        if (error is ChildSchemaValidationError child && child.Errors.Count > 0)
        {
            foreach (var nested in child.Errors.Values.SelectMany(e => e))
            {
                Flatten(nested, origin, into);
            }

            return;
        }

        var path = ToJsonPath(error.Path, error.Kind == ValidationErrorKind.PropertyRequired ? null : error.Property);
        into.Add(new ConfigDiagnostic(
            DiagnosticSeverity.Error,
            "schema." + error.Kind,
            Describe(error),
            origin,
            path,
            error.HasLineInfo ? error.LineNumber : null,
            error.HasLineInfo ? error.LinePosition : null));
    }

    /// <summary>NJsonSchema paths look like <c>#/profiles.backend.additional_plugins[0]</c>; people read <c>$.…</c>.</summary>
    internal static string ToJsonPath(string? njsPath, string? property)
    {
        var path = string.IsNullOrEmpty(njsPath) || njsPath == "#" ? JsonPaths.Root : "$." + njsPath.TrimStart('#', '/');
        if (path == JsonPaths.Root && !string.IsNullOrEmpty(property))
        {
            path = JsonPaths.Member(path, property);
        }

        return path;
    }

    private static string Describe(ValidationError error) => error.Kind switch
    {
        ValidationErrorKind.PropertyRequired => $"the required key '{error.Property}' is missing",
        ValidationErrorKind.NoAdditionalPropertiesAllowed => $"unknown key '{error.Property}' (not part of the org config format here)",
        ValidationErrorKind.NotInEnumeration => $"value is not one of the allowed values ({string.Join(", ", error.Schema?.Enumeration ?? [])})",
        ValidationErrorKind.PatternMismatch => $"value does not match the pattern {error.Schema?.Pattern}",
        ValidationErrorKind.StringExpected => "a string is expected",
        ValidationErrorKind.BooleanExpected => "true or false is expected",
        ValidationErrorKind.IntegerExpected => "an integer is expected",
        ValidationErrorKind.NumberExpected => "a number is expected",
        ValidationErrorKind.ArrayExpected => "an array is expected",
        ValidationErrorKind.ObjectExpected => "an object is expected",
        ValidationErrorKind.NumberTooBig => $"value is above the maximum {error.Schema?.Maximum}",
        ValidationErrorKind.NumberTooSmall => $"value is below the minimum {error.Schema?.Minimum}",
        ValidationErrorKind.IntegerTooBig => $"value is above the maximum {error.Schema?.Maximum}",
        ValidationErrorKind.StringTooShort => $"the string is shorter than {error.Schema?.MinLength}",
        ValidationErrorKind.NullExpected => "null is expected",
        _ => $"schema violation ({error.Kind})",
    };

    private static string ReadResource()
    {
        using var stream = typeof(OrgConfigSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from Scc.Core.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>Exposes NJsonSchema's validation at a property path, so a sub-document's errors keep their full path.</summary>
internal sealed class PathValidator : JsonSchemaValidator
{
    public ICollection<ValidationError> ValidateAt(JToken token, JsonSchema schema, string propertyName, string propertyPath) =>
        Validate(token, schema, SchemaType.JsonSchema, propertyName, propertyPath);
}
