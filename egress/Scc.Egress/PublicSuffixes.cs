namespace Scc.Egress;

/// <summary>
/// A built-in excerpt of the Public Suffix List: enough to refuse <c>*.co.uk</c>, <c>*.com.au</c> or
/// <c>*.github.io</c> as wildcard destinations. Every single label (<c>com</c>, <c>io</c>, <c>internal</c>) counts
/// as a public suffix, so the list only needs multi-label suffixes. Limits (docs/egress.md): it is not the full list,
/// and the list's own wildcard and exception rules (<c>*.ck</c>, <c>!www.ck</c>) are not modelled; a suffix
/// missing here is accepted as an ordinary domain.
/// </summary>
internal static class PublicSuffixes
{
    private static readonly HashSet<string> MultiLabel = new(StringComparer.Ordinal)
    {
        // Country-code second levels (ICANN section).
        "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "sch.uk", "ac.uk", "gov.uk", "nhs.uk", "police.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au",
        "co.nz", "net.nz", "org.nz", "govt.nz", "ac.nz", "school.nz", "geek.nz", "gen.nz", "kiwi.nz",
        "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "gr.jp", "ed.jp", "lg.jp", "ad.jp",
        "co.kr", "or.kr", "ne.kr", "go.kr", "ac.kr", "re.kr",
        "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn", "ac.cn",
        "com.hk", "net.hk", "org.hk", "edu.hk", "gov.hk",
        "com.tw", "net.tw", "org.tw", "edu.tw", "gov.tw",
        "com.sg", "net.sg", "org.sg", "edu.sg", "gov.sg",
        "com.my", "net.my", "org.my", "edu.my", "gov.my",
        "co.in", "net.in", "org.in", "firm.in", "gen.in", "ind.in", "ac.in", "edu.in", "gov.in", "res.in",
        "co.id", "or.id", "web.id", "ac.id", "go.id",
        "com.ph", "net.ph", "org.ph", "gov.ph", "edu.ph",
        "com.vn", "net.vn", "org.vn", "gov.vn", "edu.vn",
        "co.th", "in.th", "or.th", "ac.th", "go.th",
        "com.pk", "net.pk", "org.pk", "edu.pk", "gov.pk",
        "co.il", "org.il", "net.il", "ac.il", "gov.il",
        "com.tr", "net.tr", "org.tr", "gen.tr", "edu.tr", "gov.tr",
        "com.ua", "net.ua", "org.ua", "in.ua", "gov.ua", "edu.ua",
        "com.pl", "net.pl", "org.pl", "info.pl", "biz.pl", "edu.pl", "gov.pl",
        "com.br", "net.br", "org.br", "gov.br", "edu.br", "art.br", "blog.br", "eco.br", "ind.br", "tec.br",
        "com.ar", "net.ar", "org.ar", "gob.ar", "edu.ar", "int.ar",
        "com.mx", "net.mx", "org.mx", "gob.mx", "edu.mx",
        "com.co", "net.co", "org.co", "gov.co", "edu.co",
        "com.pe", "net.pe", "org.pe", "gob.pe", "edu.pe",
        "com.ve", "co.ve", "net.ve", "org.ve",
        "co.za", "org.za", "net.za", "gov.za", "ac.za", "web.za",
        "com.ng", "org.ng", "gov.ng", "edu.ng",
        "co.ke", "or.ke", "ne.ke", "go.ke", "ac.ke",
        "com.eg", "org.eg", "gov.eg", "edu.eg",
        "com.sa", "net.sa", "org.sa", "gov.sa", "edu.sa",
        "co.ae", "net.ae", "org.ae", "gov.ae", "ac.ae",
        "com.ru", "net.ru", "org.ru", "pp.ru", "msk.ru", "spb.ru",
        "com.es", "org.es", "nom.es", "gob.es", "edu.es",
        "co.it", "gov.it", "edu.it",
        "com.fr", "asso.fr", "nom.fr", "gouv.fr",
        "co.at", "or.at", "ac.at", "gv.at",
        "com.gr", "net.gr", "org.gr", "gov.gr", "edu.gr",
        "com.pt", "org.pt", "gov.pt", "edu.pt",
        "com.ro", "org.ro", "nom.ro", "info.ro",
        "co.hu", "org.hu", "info.hu",
        "com.cy", "net.cy", "org.cy",
        "com.mt", "net.mt", "org.mt",
        "co.no", "priv.no",
        "us.com", "eu.com", "uk.com", "de.com", "jpn.com", "cn.com", "gb.net", "uk.net", "eu.org",

        // Private section: platforms where every subdomain belongs to someone else.
        "github.io", "githubusercontent.com", "gitlab.io", "bitbucket.io", "codeberg.page", "pages.dev",
        "workers.dev", "netlify.app", "vercel.app", "now.sh", "herokuapp.com", "herokussl.com", "fly.dev",
        "onrender.com", "railway.app", "web.app", "firebaseapp.com", "appspot.com", "r.appspot.com",
        "blogspot.com", "cloudfunctions.net", "run.app", "azurewebsites.net", "azurestaticapps.net",
        "cloudapp.net", "azureedge.net", "trafficmanager.net", "blob.core.windows.net", "cloudfront.net",
        "s3.amazonaws.com", "elasticbeanstalk.com", "execute-api.us-east-1.amazonaws.com", "awsapprunner.com",
        "ngrok.io", "ngrok.app", "ngrok-free.app", "ngrok.dev", "trycloudflare.com", "loca.lt", "localtunnel.me",
        "serveo.net", "glitch.me", "repl.co", "replit.dev", "surge.sh", "readthedocs.io", "neocities.org",
        "webflow.io", "wixsite.com", "myshopify.com", "dyndns.org", "duckdns.org", "no-ip.org", "ddns.net",
        "hopto.org", "zapto.org", "sytes.net", "freeddns.org", "deno.dev", "val.run", "pythonanywhere.com",
    };

    /// <summary>True when <paramref name="domain"/> (lower-case, no trailing dot) is a public suffix.</summary>
    public static bool IsPublicSuffix(string domain) =>
        !domain.Contains('.', StringComparison.Ordinal) || MultiLabel.Contains(domain);
}
