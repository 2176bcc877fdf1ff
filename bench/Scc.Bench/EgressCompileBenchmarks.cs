using BenchmarkDotNet.Attributes;
using Scc.Egress;

namespace Scc.Bench;

/// <summary>
/// Issue 6 target: merging and compiling 10,000 destinations takes at most 100 ms.
/// Run: dotnet run -c Release --project bench/Scc.Bench -- --filter '*EgressCompile*'
/// </summary>
[MemoryDiagnoser]
public class EgressCompileBenchmarks
{
    private EgressMergeRequest _request = null!;
    private EgressPolicy _policy = null!;

    [Params(10_000)]
    public int Destinations { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // A realistic mix over four layers: mostly exact hosts, some wildcards, named ports, IP literals, and
        // duplicates across layers so de-duplication is exercised too.
        var layers = new List<EgressLayerInput>();
        var sources = new[] { EgressSource.OrgDefaults, EgressSource.Team("platform"), EgressSource.Project, EgressSource.Provider("agent") };
        for (var l = 0; l < sources.Length; l++)
        {
            var entries = new List<string>();
            for (var i = l; i < Destinations; i += sources.Length)
            {
                entries.Add((i % 10) switch
                {
                    0 => $"*.svc{i}.example.com",
                    1 => $"host{i}.example.net:{8000 + (i % 50)}",
                    2 => $"203.0.{(i / 250) % 250}.{(i % 250) + 1}",
                    _ => $"api{i}.example{i % 97}.org",
                });
                if (i % 100 == 7)
                {
                    entries.Add("api7.example7.org");
                }
            }

            layers.Add(new EgressLayerInput(sources[l], entries));
        }

        _request = new EgressMergeRequest(layers, null, ["10.20.0.0/16"]);
        _policy = EgressMerger.Merge(_request).Policy;
    }

    [Benchmark]
    public EgressPolicy Merge() => EgressMerger.Merge(_request).Policy;

    [Benchmark]
    public string Compile() => SquidConfigCompiler.Compile(_policy);

    [Benchmark(Baseline = true)]
    public string MergeAndCompile() => SquidConfigCompiler.Compile(EgressMerger.Merge(_request).Policy);
}
