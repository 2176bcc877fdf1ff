using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project bench/Scc.Bench -- --filter '*'   (or bench/run.sh)
BenchmarkSwitcher.FromAssembly(typeof(Scc.Bench.RuntimeStartBenchmarks).Assembly).Run(args);
