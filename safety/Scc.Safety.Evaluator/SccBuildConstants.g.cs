namespace Scc.Safety.Evaluator;
internal static class BuildConstants
{
public const string RealBinDir = "/tmp/scc-safety-evaltest/real";
public const string PolicyPath = "/tmp/scc-safety-evaltest/policy.json";
public const string AuditDir = "/tmp/scc-safety-evaltest/audit";
}
