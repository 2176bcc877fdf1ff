using Scc.Safety.Engine;
using Scc.Safety.Shell;

namespace Scc.Safety.Rules;

/// <summary>Destination extraction for curl, wget, ssh, scp, sftp, rsync, nc/ncat, socat and telnet.</summary>
internal static class NetworkRules
{
    public static readonly HashSet<string> Tools = new(StringComparer.Ordinal)
    {
        "curl", "wget", "ssh", "scp", "sftp", "rsync", "nc", "ncat", "netcat", "socat", "telnet",
    };

    private static readonly ToolArgs Curl = new(
        "AbcCdDeEFHKmoPQrTtuUwxXyYz",
        "abstract-unix-socket", "alt-svc", "aws-sigv4", "cacert", "capath", "cert", "cert-type", "ciphers", "config",
        "connect-timeout", "connect-to", "continue-at", "cookie", "cookie-jar", "create-file-mode", "crlfile", "curves",
        "data", "data-ascii", "data-binary", "data-raw", "data-urlencode", "delegation", "dns-interface",
        "dns-ipv4-addr", "dns-ipv6-addr", "dns-servers", "doh-url", "dump-header", "egd-file", "engine", "etag-compare",
        "etag-save", "expect100-timeout", "form", "form-string", "ftp-account", "ftp-alternative-to-user", "ftp-method",
        "ftp-port", "ftp-ssl-ccc-mode", "happy-eyeballs-timeout-ms", "haproxy-clientip", "header", "hostpubmd5",
        "hostpubsha256", "hsts", "interface", "ipfs-gateway", "json", "keepalive-time", "key", "key-type", "krb",
        "libcurl", "limit-rate", "local-port", "login-options", "mail-auth", "mail-from", "mail-rcpt", "max-filesize",
        "max-redirs", "max-time", "netrc-file", "noproxy", "oauth2-bearer", "output", "output-dir", "parallel-max",
        "pass", "pinnedpubkey", "preproxy", "proto", "proto-default", "proto-redir", "proxy", "proxy-cacert",
        "proxy-capath", "proxy-cert", "proxy-cert-type", "proxy-ciphers", "proxy-crlfile", "proxy-header", "proxy-key",
        "proxy-key-type", "proxy-pass", "proxy-pinnedpubkey", "proxy-service-name", "proxy-tls13-ciphers",
        "proxy-tlsauthtype", "proxy-tlspassword", "proxy-tlsuser", "proxy-user", "proxy1.0", "pubkey", "quote",
        "random-file", "range", "rate", "referer", "request", "request-target", "resolve", "retry", "retry-delay",
        "retry-max-time", "sasl-authzid", "service-name", "socks4", "socks4a", "socks5", "socks5-gssapi-service",
        "socks5-hostname", "speed-limit", "speed-time", "stderr", "telnet-option", "tftp-blksize", "time-cond", "tls-max",
        "tls13-ciphers", "tlsauthtype", "tlspassword", "tlsuser", "trace", "trace-ascii", "trace-config", "unix-socket",
        "upload-file", "url", "url-query", "user", "user-agent", "variable", "write-out")
    { AllowAbbreviations = true };

    private static readonly ToolArgs Wget = new(
        "aABDeIilOoPQRtTUwX",
        "output-file", "append-output", "execute", "input-file", "base", "config", "tries", "timeout", "dns-timeout",
        "connect-timeout", "read-timeout", "wait", "waitretry", "output-document", "directory-prefix", "user-agent",
        "header", "user", "password", "http-user", "http-password", "ftp-user", "ftp-password", "proxy-user",
        "proxy-password", "load-cookies", "save-cookies", "post-data", "post-file", "method", "body-data", "body-file",
        "referer", "level", "accept", "reject", "accept-regex", "reject-regex", "domains", "exclude-domains",
        "include-directories", "exclude-directories", "bind-address", "limit-rate", "quota", "restrict-file-names",
        "ca-certificate", "ca-directory", "certificate", "private-key", "certificate-type", "private-key-type",
        "secure-protocol", "ciphers", "default-page", "cut-dirs", "local-encoding", "remote-encoding", "progress",
        "rejected-log", "use-askpass", "e", "hsts-file", "warc-file", "prefer-family", "report-speed", "regex-type")
    { AllowAbbreviations = true };

    private static readonly ToolArgs Ssh = new("BbcDEeFIiJLlmOopQRSWwP");
    private static readonly ToolArgs Scp = new("cDFiJloPSX");
    private static readonly ToolArgs Sftp = new("BbcDFiJloPRSsX");
    private static readonly ToolArgs Rsync = new(
        "eBfMT@",
        "rsh", "rsync-path", "filter", "exclude", "include", "exclude-from", "include-from", "files-from", "temp-dir",
        "compare-dest", "copy-dest", "link-dest", "partial-dir", "log-file", "log-file-format", "password-file", "port",
        "sockopts", "out-format", "timeout", "contimeout", "bwlimit", "max-size", "min-size", "max-delete", "block-size",
        "backup-dir", "suffix", "chmod", "chown", "usermap", "groupmap", "checksum-choice", "compress-choice",
        "compress-level", "skip-compress", "modify-window", "address", "protocol", "iconv", "info", "debug",
        "remote-option", "only-write-batch", "write-batch", "read-batch", "stop-after", "stop-at", "outbuf",
        "checksum-seed", "config", "dparam", "early-input");

    private static readonly ToolArgs Nc = new(
        "IiMmOPpsTVwXxcegGo",
        "proxy", "proxy-type", "proxy-auth", "proxy-dns", "sh-exec", "exec", "lua-exec", "allow", "allowfile", "deny",
        "denyfile", "max-conns", "source-port", "source", "wait", "idle-timeout", "output", "hex-dump", "append-output",
        "ssl-cert", "ssl-key", "ssl-trustfile", "ssl-ciphers", "ssl-servername", "ssl-alpn", "delay");

    private static readonly ToolArgs Telnet = new("belnXk");
    private static readonly ToolArgs Socat = new("dlLtT");

    /// <summary>Evaluates one network-tool invocation; <paramref name="runScript"/> evaluates embedded commands.</summary>
    public static void Evaluate(string tool, Invocation inv, EvalContext ctx, Action<string> runScript)
    {
        var args = inv.Words.Skip(1).ToList();
        var display = inv.Display;
        var dests = new List<string>();
        string? undecidable = null;

        void Dest(ShellWord w, string? host)
        {
            if (host is null)
            {
                return;
            }

            if ((w.IsDynamic && Destinations.LooksDynamic(host)) || (w.StartsDynamic && host.Length == 0))
            {
                undecidable ??= $"{tool}: destination '{w.Text}' is not static";
                return;
            }

            if (host.Length > 0)
            {
                dests.Add(host);
            }
        }

        foreach (var env in inv.Env)
        {
            var eq = env.Text.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? env.Text[..eq].ToLowerInvariant() : string.Empty;
            if (name is "http_proxy" or "https_proxy" or "all_proxy" or "ftp_proxy")
            {
                var value = new ShellWord(env.Text[(eq + 1)..], env.IsDynamic);
                Dest(value, Destinations.HostOfUrl(value.Text));
            }
            else if (name is "rsync_rsh" or "rsync_connect_prog" or "git_ssh_command")
            {
                undecidable ??= $"{tool}: {name.ToUpperInvariant()} runs a command that is not inspected";
            }
        }

        if (inv.TrailingUnknown)
        {
            undecidable ??= $"{tool}: arguments are appended at run time";
        }

        switch (tool)
        {
            case "curl":
                foreach (var it in Curl.Parse(args))
                {
                    if (it.IsOperand)
                    {
                        Dest(it.Word, Destinations.HostOfUrl(it.Word.Text));
                        continue;
                    }

                    switch (it.Option)
                    {
                        case "url" or "x" or "proxy" or "preproxy" or "socks4" or "socks4a" or "socks5" or "socks5-hostname" or "doh-url":
                            if (it.Value is not null)
                            {
                                Dest(it.Value, Destinations.HostOfUrl(it.Value.Text));
                            }

                            break;
                        case "connect-to" when it.Value is not null:
                            {
                                var parts = it.Value.Text.Split(':');
                                if (parts.Length >= 3)
                                {
                                    Dest(it.Value, parts[2]);
                                }

                                break;
                            }

                        case "resolve" when it.Value is not null:
                            {
                                var parts = it.Value.Text.Split(':', 3);
                                if (parts.Length == 3)
                                {
                                    foreach (var addr in parts[2].Split(','))
                                    {
                                        Dest(it.Value, addr.Trim('[', ']'));
                                    }
                                }

                                break;
                            }

                        case "K" or "config":
                            undecidable ??= "curl: a config file (-K/--config) is not inspected";
                            break;
                        default:
                            if (it.Option is not null && it.Option.StartsWith("expand-", StringComparison.Ordinal))
                            {
                                undecidable ??= "curl: --expand-* options are not inspected";
                            }

                            break;
                    }
                }

                break;
            case "wget":
                foreach (var it in Wget.Parse(args))
                {
                    if (it.IsOperand)
                    {
                        Dest(it.Word, Destinations.HostOfUrl(it.Word.Text));
                        continue;
                    }

                    switch (it.Option)
                    {
                        case "e" or "execute" when it.Value is not null:
                            {
                                var v = it.Value.Text.Replace(" ", string.Empty, StringComparison.Ordinal);
                                var eq = v.IndexOf('=', StringComparison.Ordinal);
                                var key = (eq > 0 ? v[..eq] : v).ToLowerInvariant().Replace("_", string.Empty, StringComparison.Ordinal);
                                if (key.EndsWith("proxy", StringComparison.Ordinal) && key != "useproxy" && key != "noproxy" && eq > 0)
                                {
                                    Dest(it.Value, Destinations.HostOfUrl(v[(eq + 1)..]));
                                }

                                break;
                            }

                        case "i" or "input-file" or "config" or "base" or "B":
                            undecidable ??= $"wget: --{it.Option} names a file or base whose URLs are not inspected";
                            break;
                        default:
                            break;
                    }
                }

                break;
            case "ssh":
                {
                    var operands = 0;
                    foreach (var it in Ssh.Parse(args))
                    {
                        if (it.IsOperand)
                        {
                            // The first operand is the destination; the rest is the remote command.
                            if (operands++ == 0)
                            {
                                Dest(it.Word, Destinations.HostOfSshDestination(it.Word.Text));
                            }

                            continue;
                        }

                        SshOption(tool, it, Dest, ref undecidable);
                    }

                    break;
                }

            case "scp":
            case "sftp":
                foreach (var it in (tool == "scp" ? Scp : Sftp).Parse(args))
                {
                    if (it.IsOperand)
                    {
                        var host = Destinations.HostOfRemoteOperand(it.Word.Text);
                        if (tool == "sftp" && host is null)
                        {
                            host = Destinations.HostOfSshDestination(it.Word.Text);
                        }

                        if (it.Word.StartsDynamic)
                        {
                            undecidable ??= $"{tool}: operand '{it.Word.Text}' is not static";
                        }

                        Dest(it.Word, host);
                        continue;
                    }

                    if (it.Option is "S" || (tool == "sftp" && it.Option is "D"))
                    {
                        undecidable ??= $"{tool}: -{it.Option} runs a program that is not inspected";
                        continue;
                    }

                    SshOption(tool, it, Dest, ref undecidable);
                }

                break;
            case "rsync":
                foreach (var it in Rsync.Parse(args))
                {
                    if (it.IsOperand)
                    {
                        if (it.Word.StartsDynamic)
                        {
                            undecidable ??= $"rsync: operand '{it.Word.Text}' is not static";
                        }

                        Dest(it.Word, Destinations.HostOfRemoteOperand(it.Word.Text));
                        continue;
                    }

                    if (it.Option is "e" or "rsh" && it.Value is not null)
                    {
                        RsyncRsh(it.Value, Dest, ref undecidable);
                    }
                    else if (it.Option is "config" or "dparam" or "early-input")
                    {
                        undecidable ??= $"rsync: --{it.Option} is not inspected";
                    }
                }

                break;
            case "nc":
            case "ncat":
            case "netcat":
                {
                    var listen = false;
                    var unixSocket = false;
                    var operands = new List<ShellWord>();
                    foreach (var it in Nc.Parse(args))
                    {
                        if (it.IsOperand)
                        {
                            operands.Add(it.Word);
                            continue;
                        }

                        switch (it.Option)
                        {
                            case "l" or "L" or "listen":
                                listen = true;
                                break;
                            case "U" or "unixsock":
                                unixSocket = true;
                                break;
                            case "x" or "proxy" when it.Value is not null:
                                Dest(it.Value, Destinations.HostOfAuthority(it.Value.Text));
                                break;
                            case "c" or "e" or "sh-exec" or "exec" or "lua-exec" when it.Value is not null && !listen:
                                break;
                            default:
                                break;
                        }
                    }

                    if (!listen && !unixSocket && operands.Count > 0)
                    {
                        Dest(operands[0], operands[0].Text);
                    }

                    break;
                }

            case "telnet":
                {
                    var first = Telnet.Parse(args).FirstOrDefault(i => i.IsOperand);
                    if (first.IsOperand)
                    {
                        Dest(first.Word, Destinations.HostOfSshDestination(first.Word.Text));
                    }

                    break;
                }

            case "socat":
                foreach (var it in Socat.Parse(args))
                {
                    if (it.IsOperand)
                    {
                        SocatAddress(it.Word, Dest, runScript, ref undecidable);
                    }
                }

                break;
            default:
                break;
        }

        if (undecidable is not null)
        {
            ctx.Add(SafetyRules.Undecidable, undecidable, display);
        }

        foreach (var d in dests)
        {
            if (!Destinations.IsAllowed(d, ctx.Policy))
            {
                ctx.Add(SafetyRules.NetworkDestination, $"{tool}: destination '{Destinations.NormalizeHost(d)}' is not in network.allowed_destinations", display);
            }
        }
    }

    private static void SshOption(string tool, ToolArgs.Item it, Action<ShellWord, string?> dest, ref string? undecidable)
    {
        if (it.Value is null)
        {
            return;
        }

        var v = it.Value.Text;
        switch (it.Option)
        {
            case "F":
                undecidable ??= $"{tool}: a config file (-F) is not inspected";
                break;
            case "J":
                foreach (var hop in v.Split(','))
                {
                    if (hop.Length > 0 && !hop.Equals("none", StringComparison.OrdinalIgnoreCase))
                    {
                        dest(it.Value, Destinations.HostOfSshDestination(hop.Contains("://", StringComparison.Ordinal) ? hop : StripPort(hop)));
                    }
                }

                break;
            case "W":
                dest(it.Value, StripPort(v));
                break;
            case "L":
            case "R":
                {
                    var parts = v.Split(':');
                    if (parts.Length == 4)
                    {
                        dest(it.Value, parts[2]);
                    }
                    else if (parts.Length == 3 && !parts[1].Contains('/', StringComparison.Ordinal))
                    {
                        dest(it.Value, parts[1]);
                    }

                    break;
                }

            case "o":
                {
                    var sep = v.AsSpan().IndexOfAny("= \t");
                    var key = (sep > 0 ? v[..sep] : v).Trim().ToLowerInvariant();
                    var value = sep > 0 ? v[(sep + 1)..].Trim().TrimStart('=').Trim() : string.Empty;
                    switch (key)
                    {
                        case "proxycommand" or "localcommand" or "include" or "knownhostscommand" or "match":
                            if (!value.Equals("none", StringComparison.OrdinalIgnoreCase))
                            {
                                undecidable ??= $"{tool}: -o {key} is not inspected";
                            }

                            break;
                        case "proxyjump":
                            foreach (var hop in value.Split(','))
                            {
                                if (hop.Length > 0 && !hop.Equals("none", StringComparison.OrdinalIgnoreCase))
                                {
                                    dest(it.Value, Destinations.HostOfSshDestination(StripPort(hop)));
                                }
                            }

                            break;
                        case "hostname":
                            dest(it.Value, value);
                            break;
                        default:
                            break;
                    }

                    break;
                }

            default:
                break;
        }
    }

    private static string StripPort(string hostPort)
    {
        if (hostPort.StartsWith('[') || hostPort.Contains('@', StringComparison.Ordinal))
        {
            var at = hostPort.LastIndexOf('@');
            return Destinations.HostOfAuthority(hostPort[(at + 1)..]);
        }

        return Destinations.HostOfAuthority(hostPort);
    }

    private static void RsyncRsh(ShellWord value, Action<ShellWord, string?> dest, ref string? undecidable)
    {
        var parsed = ShellParser.Parse(value.Text, ShellParser.MaxDepth - 1);
        if (value.IsDynamic || parsed.Commands.Count != 1 || parsed.Undecidable.Count > 0)
        {
            undecidable ??= $"rsync: remote shell '{value.Text}' is not inspected";
            return;
        }

        var words = parsed.Commands[0].Words;
        if (words.Count == 0 || Path.GetFileName(words[0].Text) != "ssh")
        {
            undecidable ??= $"rsync: remote shell '{value.Text}' is not ssh";
            return;
        }

        foreach (var it in Ssh.Parse(words.Skip(1).ToList()))
        {
            if (it.IsOperand)
            {
                undecidable ??= $"rsync: remote shell '{value.Text}' has operands";
                continue;
            }

            SshOption("rsync", it, dest, ref undecidable);
        }
    }

    private static void SocatAddress(ShellWord w, Action<ShellWord, string?> dest, Action<string> runScript, ref string? undecidable)
    {
        if (w.StartsDynamic)
        {
            undecidable ??= $"socat: address '{w.Text}' is not static";
            return;
        }

        var text = w.Text;
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        var main = comma >= 0 ? text[..comma] : text;
        var colon = main.IndexOfAny([':', ',']);
        var type = (colon >= 0 ? main[..colon] : main).ToUpperInvariant();
        var rest = colon >= 0 ? main[(colon + 1)..] : string.Empty;
        var fields = rest.Split(':');
        switch (type)
        {
            case "TCP" or "TCP4" or "TCP6" or "TCP-CONNECT" or "TCP4-CONNECT" or "TCP6-CONNECT" or "UDP" or "UDP4" or "UDP6"
                or "UDP-CONNECT" or "UDP4-CONNECT" or "UDP6-CONNECT" or "UDP-SENDTO" or "UDP4-SENDTO" or "UDP6-SENDTO"
                or "SCTP-CONNECT" or "SCTP4-CONNECT" or "SCTP6-CONNECT" or "OPENSSL" or "OPENSSL-CONNECT" or "SSL"
                or "DCCP-CONNECT" or "DTLS" or "OPENSSL-DTLS-CLIENT" or "UDPLITE-CONNECT" or "UDPLITE-SENDTO":
                dest(w, fields[0].Trim('[', ']'));
                break;
            case "PROXY" or "PROXY-CONNECT" or "SOCKS4" or "SOCKS4A" or "SOCKS5" or "SOCKS5-CONNECT":
                foreach (var f in fields.Take(2))
                {
                    dest(w, f.Trim('[', ']'));
                }

                break;
            case "EXEC" or "SYSTEM":
                // socat runs this locally: it is a command like any other.
                runScript(text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..]);
                break;
            default:
                if (main.Contains(':', StringComparison.Ordinal) && !IsLocalSocatType(type))
                {
                    undecidable ??= $"socat: address type '{type}' is not understood";
                }

                break;
        }
    }

    private static bool IsLocalSocatType(string type) => type is "FILE" or "OPEN" or "CREATE" or "GOPEN" or "PIPE"
        or "UNIX" or "UNIX-CONNECT" or "UNIX-LISTEN" or "UNIX-SENDTO" or "UNIX-RECV" or "UNIX-CLIENT" or "ABSTRACT-CONNECT"
        or "ABSTRACT-LISTEN" or "ABSTRACT-CLIENT" or "TCP-LISTEN" or "TCP4-LISTEN" or "TCP6-LISTEN" or "UDP-LISTEN" or "UDP4-LISTEN"
        or "UDP6-LISTEN" or "UDP-RECV" or "UDP-RECVFROM" or "OPENSSL-LISTEN" or "SCTP-LISTEN" or "PTY" or "STDIO" or "STDIN"
        or "STDOUT" or "STDERR" or "FD" or "READLINE" or "TUN" or "SOCKET-LISTEN" or "VSOCK-LISTEN";
}
