namespace Scc.Safety.Evaluator;
internal static class BuildConstants
{
public const string RealBinDir = "/usr/libexec/scc/real";
public const string PolicyPath = "/etc/scc/safety-policy.json";
public const string AuditDir = "/run/scc/audit";
}
