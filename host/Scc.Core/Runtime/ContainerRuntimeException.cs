using Scc.Core.Errors;

namespace Scc.Core.Runtime;

internal enum RuntimeErrorKind
{
    /// <summary>Nothing answers on the endpoint (no socket, connection refused).</summary>
    DaemonNotRunning,

    /// <summary>The socket exists but this user may not open it.</summary>
    PermissionDenied,

    /// <summary>The engine speaks an API older than the oldest this client supports.</summary>
    ApiVersionUnsupported,

    ImageMissing,

    ContainerNotFound,

    NetworkNotFound,

    /// <summary>A container, network or volume of that name exists already.</summary>
    NameConflict,

    /// <summary>The subnet asked for overlaps one the engine already uses.</summary>
    SubnetConflict,

    OutOfDisk,

    BuildFailed,

    /// <summary>Any other refusal of the engine; the message carries the engine's words.</summary>
    EngineError,
}

/// <summary>
/// An engine failure in words a user can act on. Adapters map their client library's exceptions to this, so no
/// caller ever sees a Docker.DotNet type. Not sealed: <see cref="ImageBuildFailedException"/> adds the failing step.
/// </summary>
internal class ContainerRuntimeException : SccException
{
    public const string InstallScript = "scripts/install-docker-engine.sh";

    public ContainerRuntimeException(RuntimeErrorKind kind, string message, string? action, int exitCode, Exception? inner = null)
        : base(message, action, exitCode, inner)
    {
        Kind = kind;
    }

    public RuntimeErrorKind Kind { get; }

    public static ContainerRuntimeException DaemonNotRunning(string endpoint, Exception? inner = null) => new(
        RuntimeErrorKind.DaemonNotRunning,
        $"No container engine answers at {endpoint}: the Docker daemon is not running or DOCKER_HOST points elsewhere.",
        $"Run `scc doctor` to check the setup; install and start an engine with `{InstallScript}`, or set DOCKER_HOST to a running engine.",
        ExitCodes.PrerequisiteMissing,
        inner);

    public static ContainerRuntimeException PermissionDenied(string endpoint, Exception? inner = null) => new(
        RuntimeErrorKind.PermissionDenied,
        $"Permission denied opening the container engine socket {endpoint}.",
        "Add your user to the `docker` group (then log in again) or point DOCKER_HOST at an engine you may use; `scc doctor` shows the details.",
        ExitCodes.PrerequisiteMissing,
        inner);

    public static ContainerRuntimeException ApiVersionUnsupported(string endpoint, string apiVersion, string minimum) => new(
        RuntimeErrorKind.ApiVersionUnsupported,
        $"The container engine at {endpoint} speaks API {apiVersion}; scc needs API {minimum} or newer (Docker Engine 20.10+).",
        $"Upgrade the engine (`{InstallScript}` installs a supported one) and run `scc doctor`.",
        ExitCodes.PrerequisiteMissing);

    public static ContainerRuntimeException ImageMissing(string image, Exception? inner = null) => new(
        RuntimeErrorKind.ImageMissing,
        $"The image {image} does not exist in the container engine.",
        "Build it with `scc images build`; `scc images list` shows what is there.",
        ExitCodes.PrerequisiteMissing,
        inner);

    public static ContainerRuntimeException ContainerNotFound(string container, Exception? inner = null) => new(
        RuntimeErrorKind.ContainerNotFound,
        $"No container named {container} exists.",
        "`scc list` shows the running sessions.",
        ExitCodes.NotFound,
        inner);

    public static ContainerRuntimeException NetworkNotFound(string network, Exception? inner = null) => new(
        RuntimeErrorKind.NetworkNotFound,
        $"No network named {network} exists.",
        "`scc prune` removes leftovers of stopped sessions; start the session again to recreate its network.",
        ExitCodes.NotFound,
        inner);

    public static ContainerRuntimeException NameConflict(string kind, string name, Exception? inner = null) => new(
        RuntimeErrorKind.NameConflict,
        $"A {kind} named {name} already exists.",
        "`scc list` shows running sessions: reattach with `scc start --resume`, replace it with `scc start --fresh`, or remove leftovers with `scc prune`.",
        ExitCodes.Tool,
        inner);

    public static ContainerRuntimeException SubnetConflict(string network, string detail, Exception? inner = null) => new(
        RuntimeErrorKind.SubnetConflict,
        $"The network {network} could not be created: {detail}",
        "Another network took the subnet meanwhile; start again, and run `scc prune` if networks of old sessions are left.",
        ExitCodes.Tool,
        inner);

    public static ContainerRuntimeException OutOfDisk(string detail, Exception? inner = null) => new(
        RuntimeErrorKind.OutOfDisk,
        $"The container engine ran out of disk space: {detail}",
        "Free space on the engine's disk (`docker system df`; `scc prune` removes scc's leftovers, `docker image prune` unused images).",
        ExitCodes.Tool,
        inner);

    public static ContainerRuntimeException EngineError(string operation, string detail, Exception? inner = null) => new(
        RuntimeErrorKind.EngineError,
        $"The container engine refused to {operation}: {detail}",
        "Run `scc doctor` to check the engine.",
        ExitCodes.Tool,
        inner);
}

/// <summary>A failed image build; <see cref="FailingStep"/> is the step the engine was running (e.g. <c>Step 4/9 : RUN npm i -g …</c>).</summary>
internal sealed class ImageBuildFailedException(string image, string? failingStep, string engineError, IReadOnlyList<string> lastOutput)
    : ContainerRuntimeException(
        RuntimeErrorKind.BuildFailed,
        failingStep is null
            ? $"Building the image {image} failed: {engineError}"
            : $"Building the image {image} failed at {failingStep}: {engineError}",
        ActionFor(lastOutput),
        ExitCodes.Tool)
{
    private static readonly string[] CertificateErrors =
        ["SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate", "self signed certificate", "unable to get local issuer certificate", "certificate verify failed", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"];

    public string Image { get; } = image;

    public string? FailingStep { get; } = failingStep;

    public string EngineMessage { get; } = engineError;

    /// <summary>The last lines the failing step printed, for display.</summary>
    public IReadOnlyList<string> LastOutput { get; } = lastOutput;

    /// <summary>A TLS failure in the step's output usually means a TLS-inspecting proxy whose CA the image lacks.</summary>
    private static string ActionFor(IReadOnlyList<string> lastOutput) =>
        lastOutput.Any(line => CertificateErrors.Any(e => line.Contains(e, StringComparison.OrdinalIgnoreCase)))
            ? "The step could not verify a TLS certificate: behind a TLS-inspecting proxy, give the images its CA with `scc images build --ca-cert FILE` (or `runtime.extra_ca_certificates` in the user config), then build again."
            : "Fix the cause shown above and run `scc images build` again (add `--no-cache` if a cached layer is stale).";
}
