using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scc.Core.Config;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(OrgConfig))]
[JsonSerializable(typeof(TeamProfile))]
internal sealed partial class OrgConfigJsonContext : JsonSerializerContext
{
    /// <summary>Options for reading: the org format is strict JSON (no comments, no trailing commas).</summary>
    public static JsonDocumentOptions StrictDocument { get; } = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };
}
