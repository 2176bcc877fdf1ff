using System.Net.Sockets;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

// launch-floor MODE WORKSPACE NAME: creates and starts NAME from scc-agent-claude with the mounts and hardening of
// bench/launch-common.sh's `docker run -d` (docker_run), then exits. MODE: "docker-dotnet" (version request, then a client pinned to
// the daemon's version, as scc does) or "raw" (the same three requests over the socket, no HTTP or JSON library).
if (args is not [var mode, var workspace, var name] || mode is not ("docker-dotnet" or "raw"))
{
    Console.Error.WriteLine("usage: launch-floor docker-dotnet|raw WORKSPACE NAME");
    return 2;
}

const string Socket = "/var/run/docker.sock";
const string Image = "scc-agent-claude";
const string DataVolume = "docker-claude-sandbox-data";

if (mode == "raw")
{
    Call("GET", "/version", null);
    var body = $$$"""
        {"Image":"{{{Image}}}","User":"1000:1000","WorkingDir":"{{{workspace}}}","Cmd":["sleep","infinity"],
         "HostConfig":{"Init":true,"CapDrop":["ALL"],"SecurityOpt":["no-new-privileges:true"],"PidsLimit":2048,"Memory":4294967296,
          "Mounts":[{"Type":"bind","Source":"{{{workspace}}}","Target":"{{{workspace}}}"},{"Type":"volume","Source":"{{{DataVolume}}}","Target":"/home/agent/.claude"}]}}
        """;
    Expect(Call("POST", $"/v1.41/containers/create?name={name}", body), "201");
    Expect(Call("POST", $"/v1.41/containers/{name}/start", null), "204");
    return 0;
}

var endpoint = new Uri($"unix://{Socket}");
System.Version pinned;
using (var probe = new DockerClientBuilder().WithEndpoint(endpoint).Build())
{
    var version = await probe.System.GetVersionAsync();
    pinned = System.Version.Parse(version.APIVersion);
}

using var client = new DockerClientBuilder().WithEndpoint(endpoint).WithApiVersion(pinned).Build();
var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
{
    Name = name,
    Image = Image,
    User = "1000:1000",
    WorkingDir = workspace,
    Cmd = ["sleep", "infinity"],
    HostConfig = new HostConfig
    {
        Init = true,
        CapDrop = ["ALL"],
        SecurityOpt = ["no-new-privileges:true"],
        PidsLimit = 2048,
        Memory = 4L << 30,
        Mounts =
        [
            new Mount { Type = "bind", Source = workspace, Target = workspace },
            new Mount { Type = "volume", Source = DataVolume, Target = "/home/agent/.claude" },
        ],
    },
});
await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
return 0;

static string Call(string method, string path, string? body)
{
    using var socket = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    socket.Connect(new UnixDomainSocketEndPoint(Socket));
    var content = body is null ? [] : Encoding.UTF8.GetBytes(body);
    var head = $"{method} {path} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n";
    socket.Send([.. Encoding.ASCII.GetBytes(head), .. content]);
    var response = new StringBuilder();
    var buffer = new byte[16384];
    int n;
    while ((n = socket.Receive(buffer)) > 0)
    {
        response.Append(Encoding.UTF8.GetString(buffer, 0, n));
    }

    return response.ToString();
}

static void Expect(string response, string status)
{
    if (!response.StartsWith($"HTTP/1.1 {status}", StringComparison.Ordinal))
    {
        throw new InvalidOperationException(response.Split("\r\n")[0]);
    }
}
