using System.Text.Json;

namespace Scc.Core;

/// <summary>
/// The first use of reflection-based JSON in a process initialises its shared converters (~20 ms on this project's
/// machine); the plugin loader needs it to read runtimeconfig files. Started on another thread while the caller does
/// other work (reading config, deciding plugins), so the caller rarely waits for it. Once per process.
/// </summary>
internal static class JsonWarmUp
{
    private static readonly JsonSerializerOptions Reflection = new()
    {
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    private static readonly Lazy<Task> Started = new(() => Task.Run(Run), LazyThreadSafetyMode.ExecutionAndPublication);

    public static void Start() => _ = Started.Value;

    private static void Run()
    {
        try
        {
            _ = JsonSerializer.Deserialize<Shape>("""{"name":"x","options":{"tfm":"y","n":1,"b":true}}""", Reflection);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            // Only the head start is lost.
        }
    }

    private sealed record Shape(string? Name, Options? Options);

    private sealed record Options(string? Tfm, int N, bool B);
}
