using System.Text;
using System.Text.Json;

namespace Scc.Safety;

/// <summary>Reads and writes the policy JSON. Reading never throws: anything wrong gives the fail-closed default.</summary>
/// <remarks>
/// The reader walks a <see cref="JsonDocument"/> by hand rather than deserializing: the format is tiny and every
/// wrong type must be detected (a serializer would coerce or ignore), and it keeps the library reflection-free
/// for Native AOT.
/// </remarks>
public static class SafetyPolicyLoader
{
    /// <summary>Policies larger than this are refused (fail-closed) without being read whole.</summary>
    public const long MaxPolicyBytes = 1024 * 1024;

    /// <summary>Loads a policy file; missing, unreadable, oversized or invalid gives the fail-closed default.</summary>
    public static SafetyPolicy LoadFile(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                return SafetyPolicy.FailClosed($"policy could not be read: {path} is a directory");
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            var buffer = new byte[MaxPolicyBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            if (total > MaxPolicyBytes)
            {
                return SafetyPolicy.FailClosed($"policy could not be read: {path} is larger than {MaxPolicyBytes} bytes");
            }

            return Load(buffer.AsSpan(0, total), path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return SafetyPolicy.FailClosed($"policy could not be read: {path} does not exist");
        }
        catch (UnauthorizedAccessException)
        {
            return SafetyPolicy.FailClosed($"policy could not be read: {path}: permission denied");
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            // Messages are resource keys in the trimmed evaluator; the exception type is the stable part.
            return SafetyPolicy.FailClosed($"policy could not be read: {path}: {ex.GetType().Name}");
        }
    }

    /// <summary>Parses policy bytes (UTF-8 JSON).</summary>
    public static SafetyPolicy Load(ReadOnlySpan<byte> utf8, string source = "policy")
    {
        if (utf8.Length > MaxPolicyBytes)
        {
            return SafetyPolicy.FailClosed($"policy could not be read: {source} is larger than {MaxPolicyBytes} bytes");
        }

        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return SafetyPolicy.FailClosed($"policy could not be read: {source} is not valid UTF-8");
        }

        try
        {
            using var doc = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            var error = Validate(doc.RootElement, out var policy);
            return error is null ? policy! : SafetyPolicy.FailClosed($"policy could not be read: {source}: {error}");
        }
        catch (JsonException ex)
        {
            return SafetyPolicy.FailClosed($"policy could not be read: {source} is not JSON ({ex.Message})");
        }
    }

    private static string? Validate(JsonElement root, out SafetyPolicy? policy)
    {
        policy = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "the top level must be an object";
        }

        var action = SafetyAction.Block;
        var rules = new Dictionary<string, bool>(StringComparer.Ordinal);
        var destinations = new List<string>();
        foreach (var prop in root.EnumerateObject())
        {
            switch (prop.Name)
            {
                case "action":
                    if (prop.Value.ValueKind != JsonValueKind.String)
                    {
                        return "\"action\" must be a string";
                    }

                    switch (prop.Value.GetString())
                    {
                        case "block": action = SafetyAction.Block; break;
                        case "warn": action = SafetyAction.Warn; break;
                        case "allow": action = SafetyAction.Allow; break;
                        default: return "\"action\" must be block, warn or allow";
                    }

                    break;
                case "rules":
                    if (prop.Value.ValueKind != JsonValueKind.Object)
                    {
                        return "\"rules\" must be an object";
                    }

                    foreach (var rule in prop.Value.EnumerateObject())
                    {
                        if (rule.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                        {
                            return $"rules.{rule.Name} must be true or false";
                        }

                        // Unknown keys are kept but never consulted: a misspelt key leaves its rule on.
                        rules[rule.Name] = rule.Value.GetBoolean();
                    }

                    break;
                case "network":
                    if (prop.Value.ValueKind != JsonValueKind.Object)
                    {
                        return "\"network\" must be an object";
                    }

                    foreach (var net in prop.Value.EnumerateObject())
                    {
                        if (net.Name != "allowed_destinations")
                        {
                            continue;
                        }

                        if (net.Value.ValueKind != JsonValueKind.Array)
                        {
                            return "network.allowed_destinations must be an array";
                        }

                        foreach (var item in net.Value.EnumerateArray())
                        {
                            if (item.ValueKind != JsonValueKind.String)
                            {
                                return "network.allowed_destinations must contain strings";
                            }

                            var d = Destinations.NormalizePattern(item.GetString()!);
                            if (d is null)
                            {
                                return $"network.allowed_destinations: '{item.GetString()}' is not a host name or *.domain";
                            }

                            destinations.Add(d);
                        }
                    }

                    break;
                default:
                    break;
            }
        }

        policy = new SafetyPolicy(action, rules, destinations);
        return null;
    }

    /// <summary>Writes a policy as indented UTF-8 JSON in the format <see cref="Load"/> reads.</summary>
    public static byte[] ToJson(SafetyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("action", policy.Action switch
            {
                SafetyAction.Warn => "warn",
                SafetyAction.Allow => "allow",
                _ => "block",
            });
            w.WriteStartObject("rules");
            foreach (var key in SafetyPolicy.RuleKeys)
            {
                w.WriteBoolean(key, policy.IsEnabled(key));
            }

            w.WriteEndObject();
            w.WriteStartObject("network");
            w.WriteStartArray("allowed_destinations");
            foreach (var d in policy.AllowedDestinations)
            {
                w.WriteStringValue(d);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }

    /// <summary>Same as <see cref="ToJson"/>, as a string.</summary>
    public static string ToJsonString(SafetyPolicy policy) => Encoding.UTF8.GetString(ToJson(policy));
}
