using System.Net;

namespace Scc.Egress;

/// <summary>
/// Merges per-layer destination lists into one <see cref="EgressPolicy"/>: parses every entry, expands named sets,
/// de-duplicates (first layer wins, later ones are recorded), and checks IP literals and <c>private_networks</c>
/// against the always-denied ranges. Governance decides beforehand which layers may add destinations at all.
/// </summary>
public static class EgressMerger
{
    /// <summary>Merges; pure and deterministic.</summary>
    public static EgressMergeResult Merge(EgressMergeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<EgressProblem>();
        var privateNetworks = ParsePrivateNetworks(request.PrivateNetworks ?? [], problems);
        var sets = ParseSets(request.NamedSets, problems);

        var order = new List<string>();
        var byKey = new Dictionary<string, Builder>(StringComparer.Ordinal);

        foreach (var layer in request.Layers)
        {
            foreach (var entry in layer.Entries)
            {
                var parsed = DestinationParser.Parse(entry);
                if (!parsed.Ok)
                {
                    problems.Add(new EgressProblem(entry ?? string.Empty, layer.Source, parsed.Error!));
                    continue;
                }

                var destination = parsed.Destination!;
                if (destination.Kind != DestinationKind.SetReference)
                {
                    Add(destination, entry, layer.Source, null);
                    continue;
                }

                if (!sets.TryGetValue(destination.Host, out var members))
                {
                    var known = sets.Count == 0 ? "the org defines no sets" : "known sets: " + string.Join(", ", sets.Keys.Order(StringComparer.Ordinal).Select(k => "@" + k));
                    problems.Add(new EgressProblem(entry, layer.Source, $"unknown destination set '@{destination.Host}' ({known})"));
                    continue;
                }

                foreach (var (member, text) in members)
                {
                    Add(member, text, layer.Source, destination.Host);
                }
            }
        }

        var destinations = order.Select(k => byKey[k].Build()).ToList();
        return new EgressMergeResult(new EgressPolicy(destinations, privateNetworks), problems);

        void Add(EgressDestination destination, string text, EgressSource source, string? viaSet)
        {
            if (destination.GetAddress() is { } address && AddressRanges.Find(address) is { } range
                && !privateNetworks.Any(n => n.Contains(address)))
            {
                var fix = range.OrgMayAllow
                    ? "the org must list its network in 'private_networks' to allow it"
                    : "nothing can allow it";
                problems.Add(new EgressProblem(text, source, $"{address} is in the always-denied {range.Description} range {AddressRanges.Format(range.Network)}; {fix}", viaSet));
                return;
            }

            var key = destination.Canonical;
            if (byKey.TryGetValue(key, out var existing))
            {
                existing.AlsoRequestedBy.Add(viaSet is null ? source.ToString() : $"{source} via set:{viaSet}");
                return;
            }

            byKey[key] = new Builder(destination, source, viaSet);
            order.Add(key);
        }
    }

    private static List<IPNetwork> ParsePrivateNetworks(IReadOnlyList<string> entries, List<EgressProblem> problems)
    {
        var result = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            var text = entry?.Trim() ?? string.Empty;
            if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var single))
            {
                text = $"{single}/{(single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)}";
            }

            // IPNetwork.TryParse accepts host bits in some runtimes; "10.20.1.5/16" is almost always a typo for
            // one host or for the /16, so it is refused rather than silently widened or narrowed.
            if (!IPNetwork.TryParse(text, out var network)
                || !IPAddress.TryParse(text[..text.IndexOf('/', StringComparison.Ordinal)], out var written)
                || !written.Equals(network.BaseAddress))
            {
                problems.Add(new EgressProblem(entry ?? string.Empty, EgressSource.OrgDefaults,
                    "private_networks entries are CIDRs with no host bits set, such as '10.20.0.0/16'"));
                continue;
            }

            var home = AddressRanges.Denied.FirstOrDefault(r => r.OrgMayAllow && AddressRanges.IsWithin(network, r.Network));
            if (home is null)
            {
                var denied = AddressRanges.Denied.FirstOrDefault(r => !r.OrgMayAllow && (AddressRanges.IsWithin(network, r.Network) || AddressRanges.IsWithin(r.Network, network)));
                var message = denied is not null
                    ? $"{AddressRanges.Format(network)} covers the {denied.Description} range, which no setting can open"
                    : $"{AddressRanges.Format(network)} is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7); public addresses need no entry here";
                problems.Add(new EgressProblem(entry!, EgressSource.OrgDefaults, message));
                continue;
            }

            if (!result.Contains(network))
            {
                result.Add(network);
            }
        }

        return result;
    }

    private static Dictionary<string, List<(EgressDestination Destination, string Text)>> ParseSets(
        IReadOnlyDictionary<string, IReadOnlyList<string>>? sets, List<EgressProblem> problems)
    {
        var result = new Dictionary<string, List<(EgressDestination, string)>>(StringComparer.Ordinal);
        if (sets is null)
        {
            return result;
        }

        foreach (var (rawName, entries) in sets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var nameCheck = DestinationParser.Parse("@" + rawName);
            if (!nameCheck.Ok)
            {
                problems.Add(new EgressProblem(rawName, EgressSource.Set(rawName), "invalid set name: " + nameCheck.Error));
                continue;
            }

            var name = nameCheck.Destination!.Host;
            var source = EgressSource.Set(name);
            if (result.ContainsKey(name))
            {
                problems.Add(new EgressProblem(rawName, source, "the set is defined twice (set names are case-insensitive)"));
                continue;
            }

            var members = new List<(EgressDestination, string)>();
            foreach (var entry in entries)
            {
                var parsed = DestinationParser.Parse(entry);
                if (!parsed.Ok)
                {
                    problems.Add(new EgressProblem(entry ?? string.Empty, source, parsed.Error!));
                }
                else if (parsed.Destination!.Kind == DestinationKind.SetReference)
                {
                    problems.Add(new EgressProblem(entry, source, "a set cannot reference another set; list its destinations instead"));
                }
                else
                {
                    members.Add((parsed.Destination, entry.Trim()));
                }
            }

            result[name] = members;
        }

        return result;
    }

    private sealed class Builder(EgressDestination destination, EgressSource source, string? viaSet)
    {
        public List<string> AlsoRequestedBy { get; } = [];

        public EffectiveDestination Build() => new(destination, source, viaSet, AlsoRequestedBy);
    }
}
