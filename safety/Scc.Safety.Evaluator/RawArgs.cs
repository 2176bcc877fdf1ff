using System.Text;

namespace Scc.Safety.Evaluator;

/// <summary>The process argv as raw bytes (to exec the real tool with exactly what it was given) and as text.</summary>
internal sealed class RawArgs
{
    private RawArgs(List<byte[]> bytes)
    {
        Bytes = bytes;
        Text = bytes.Select(b => Encoding.UTF8.GetString(b)).ToList();
    }

    public List<byte[]> Bytes { get; }

    /// <summary>argv decoded as UTF-8; invalid bytes become U+FFFD (only for evaluation, never for exec).</summary>
    public List<string> Text { get; }

    public static RawArgs Read()
    {
        try
        {
            // /proc/self/cmdline keeps argv[0] as invoked and every byte of every argument.
            var data = File.ReadAllBytes("/proc/self/cmdline");
            var list = new List<byte[]>();
            var start = 0;
            for (var i = 0; i < data.Length; i++)
            {
                if (data[i] == 0)
                {
                    list.Add(data[start..i]);
                    start = i + 1;
                }
            }

            if (start < data.Length)
            {
                list.Add(data[start..]);
            }

            if (list.Count > 0)
            {
                return new RawArgs(list);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return new RawArgs(Environment.GetCommandLineArgs().Select(a => Encoding.UTF8.GetBytes(a)).ToList());
    }
}
