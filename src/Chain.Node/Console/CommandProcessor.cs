using Chain.Core.Ledger;
using Chain.Core.Mining;
using Chain.Core.Wallets;
using Chain.Node.Configuration;
using Chain.Node.Operations;
using Chain.Node.Services;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chain.Node.Console;

/// <summary>
/// Executes one console command and writes its answer: reads the line (<see cref="ConsoleGrammar"/>), calls the
/// operation (<see cref="NodeOperations"/>) and formats its result (<see cref="ConsoleFormatter"/>). Answers are
/// stable so scripts can drive a node through a pipe; every failure is one line starting with <c>error:</c>, and
/// the node goes on.
/// </summary>
public sealed class CommandProcessor
{
    /// <summary>Blocks the <c>mine</c> command mines at most in one go.</summary>
    public const int MaxMineCount = NodeOperations.MaxMineCount;

    /// <summary>Entries listed by <c>chain</c> and <c>history</c> when no count is given.</summary>
    public const int DefaultListing = NodeOperations.DefaultListing;

    private readonly NodeOperations _operations;

    /// <summary>A console over <paramref name="operations"/> (the composition root's way).</summary>
    public CommandProcessor(NodeOperations operations) => _operations = operations;

    /// <summary>A console over its own operations on these services (for tests and tools without a container).</summary>
    public CommandProcessor(
        Blockchain chain,
        Wallet wallet,
        Miner miner,
        MiningControl mining,
        IPeerDirectory peers,
        IPendingTransactionsSaver pending,
        IHostApplicationLifetime lifetime,
        IOptions<NodeOptions> options)
        : this(new NodeOperations(chain, wallet, miner, mining, peers, pending, lifetime, options))
    {
    }

    /// <summary>Runs <paramref name="line"/>; writes the answer to <paramref name="output"/>.</summary>
    public async Task ExecuteAsync(string line, TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            if (ConsoleGrammar.Parse(line) is not { } call)
            {
                return;
            }

            var result = await call.Method.CallAsync(_operations, call.Arguments, cancellationToken);

            // Straight to the output, which buffers a whole answer when it is a pipe (AnswerOutput): a block's answer
            // is 600,000 characters, and a copy of it in between cost more than the block's read from disk.
            ConsoleFormatter.Write(result, output);
        }
        catch (OperationException e)
        {
            output.WriteLine($"error: {e.Message}");
        }
    }
}
