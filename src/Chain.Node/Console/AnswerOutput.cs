using System.Text;

namespace Chain.Node.Console;

/// <summary>
/// Standard output for answers. <see cref="System.Console.Out"/> flushes every 256 characters, one write call each:
/// a block's answer of 600,000 characters was 2,400 calls and most of the node's CPU for it. So output that is
/// redirected (a pipe, a file) goes through a writer with a large buffer instead, which the caller flushes once per
/// answer; at a terminal, <see cref="System.Console.Out"/> as it is.
/// </summary>
public static class AnswerOutput
{
    /// <summary>Characters buffered before a write to standard output.</summary>
    public const int BufferChars = 64 * 1024;

    /// <summary>A writer to standard output (UTF-8 without a byte-order mark, as <see cref="System.Console.Out"/>); flush it after each answer.</summary>
    public static TextWriter Open() => System.Console.IsOutputRedirected
        ? new StreamWriter(System.Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), BufferChars, leaveOpen: true)
        : System.Console.Out;
}
