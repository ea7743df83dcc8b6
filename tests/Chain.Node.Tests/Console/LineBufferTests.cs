using Chain.Node.Console;

namespace Chain.Node.Tests.Console;

public sealed class LineBufferTests
{
    private static readonly string[] Commands = ["balance", "ban", "bans", "block", "wallet", "wallet encrypt", "wallet export"];

    [Fact]
    public void Apply_TypingAndCursorKeys_EditInPlace()
    {
        var buffer = new LineBuffer([], Commands);
        Type(buffer, "mine 3");
        Press(buffer, ConsoleKey.LeftArrow);
        Press(buffer, ConsoleKey.Backspace);
        Type(buffer, "1");
        Press(buffer, ConsoleKey.Home);
        Press(buffer, ConsoleKey.Delete);
        Type(buffer, "M");
        Assert.Equal("Mine13", buffer.Text);
        Assert.Equal(1, buffer.Cursor);
        Press(buffer, ConsoleKey.E, control: true);
        Assert.Equal(6, buffer.Cursor);
        Type(buffer, " 2");
        Press(buffer, ConsoleKey.W, control: true);
        Assert.Equal("Mine13 ", buffer.Text);
        Press(buffer, ConsoleKey.U, control: true);
        Assert.Equal(string.Empty, buffer.Text);
        Assert.Equal(LineBuffer.Outcome.Submitted, Press(buffer, ConsoleKey.Enter));
    }

    [Fact]
    public void Apply_UpAndDown_WalkTheHistoryAndKeepTheDraft()
    {
        var buffer = new LineBuffer(["status", "peers"], Commands);
        Type(buffer, "bal");
        Press(buffer, ConsoleKey.UpArrow);
        Assert.Equal("peers", buffer.Text);
        Press(buffer, ConsoleKey.UpArrow);
        Press(buffer, ConsoleKey.UpArrow);
        Assert.Equal("status", buffer.Text);
        Press(buffer, ConsoleKey.DownArrow);
        Press(buffer, ConsoleKey.DownArrow);
        Assert.Equal("bal", buffer.Text);
        Assert.Equal(3, buffer.Cursor);
    }

    [Theory]
    [InlineData("bal", "balance ")]
    [InlineData("ba", "ba")] // balance, ban, bans: nothing longer in common
    [InlineData("bl", "block ")]
    [InlineData("wallet e", "wallet e")] // encrypt and export share only the e
    [InlineData("wallet en", "wallet encrypt ")]
    [InlineData("zz", "zz")]
    [InlineData("balance x", "balance x")] // only command names are completed
    public void Apply_Tab_CompletesCommandNames(string typed, string expected)
    {
        var buffer = new LineBuffer([], Commands);
        Type(buffer, typed);
        Press(buffer, ConsoleKey.Tab);
        Assert.Equal(expected, buffer.Text);
    }

    [Fact]
    public void Apply_CtrlD_EndOfInputOnlyOnAnEmptyLine()
    {
        var buffer = new LineBuffer([], Commands);
        Type(buffer, "ab");
        Press(buffer, ConsoleKey.Home);
        Assert.Equal(LineBuffer.Outcome.Editing, Press(buffer, ConsoleKey.D, control: true));
        Assert.Equal("b", buffer.Text);
        Press(buffer, ConsoleKey.D, control: true);
        Assert.Equal(LineBuffer.Outcome.EndOfInput, Press(buffer, ConsoleKey.D, control: true));
    }

    private static void Type(LineBuffer buffer, string text)
    {
        foreach (var c in text)
        {
            Assert.Equal(LineBuffer.Outcome.Editing, buffer.Apply(new ConsoleKeyInfo(c, c == ' ' ? ConsoleKey.Spacebar : ConsoleKey.A, false, false, false)));
        }
    }

    private static LineBuffer.Outcome Press(LineBuffer buffer, ConsoleKey key, bool control = false) =>
        buffer.Apply(new ConsoleKeyInfo('\0', key, false, false, control));
}
