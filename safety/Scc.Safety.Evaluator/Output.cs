using System.Text;

namespace Scc.Safety.Evaluator;

/// <summary>Writes straight to file descriptors 1 and 2: System.Console's set-up costs start-up time on every call.</summary>
internal static class Output
{
    public static void Out(string line) => Write(1, line + "\n");

    public static void Err(string line) => Write(2, line + "\n");

    private static unsafe void Write(int fd, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        fixed (byte* p = bytes)
        {
            var done = 0;
            while (done < bytes.Length)
            {
                var n = Native.Write(fd, p + done, bytes.Length - done);
                if (n <= 0)
                {
                    return; // closed or broken pipe: the exit code still carries the verdict
                }

                done += (int)n;
            }
        }
    }
}
