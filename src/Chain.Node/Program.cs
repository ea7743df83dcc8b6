using System.Net.Sockets;
using Chain.Core.Ledger;
using Chain.Core.Mining;
using Chain.Core.Persistence;
using Chain.Core.Wallets;
using Chain.Network.Handshake;
using Chain.Network.Peers;
using Chain.Network.Protocol;
using Chain.Node;
using Chain.Node.Configuration;
using Chain.Node.Console;
using Chain.Node.Logging;
using Chain.Node.Explorer;
using Chain.Node.Operations;
using Chain.Node.Rpc;
using Chain.Node.Rpc.Subscriptions;
using Chain.Node.Services;
using Chain.Node.Testnet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

// The one composition root: everything the node runs is wired here.
if (args.Any(a => a is "--help" or "-h" or "-?"))
{
    Console.Out.Write(CommandLine.HelpText());
    return 0;
}

// testnet starts a local network of child nodes and stops them together (Chain.Node/Testnet).
if (args.Length > 0 && args[0] == TestnetOptions.Command)
{
    if (TestnetOptions.Parse(args[1..], out var testnetError) is not { } testnet)
    {
        Console.Error.WriteLine(testnetError!.StartsWith("usage:", StringComparison.Ordinal) ? testnetError : $"error: {testnetError}");
        return 2;
    }

    using var stopTestnet = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stopTestnet.Cancel();
    };
    using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
    {
        c.Cancel = true;
        stopTestnet.Cancel();
    });

    // The end of standard input stops the testnet too (a blocking read, so on a thread of its own).
    new Thread(() =>
    {
        while (Console.In.ReadLine() is not null)
        {
        }

        stopTestnet.Cancel();
    }) { IsBackground = true, Name = "testnet input" }.Start();
    return await TestnetCommand.RunAsync(testnet, Console.Out, Console.Error, stopTestnet.Token);
}

// --print-network writes a network's chain spec (a template for one's own) and exits.
if (args.Length > 0 && args[0] == CommandLine.PrintNetworkSwitch)
{
    if (args.Length != 2)
    {
        Console.Error.WriteLine($"error: {CommandLine.PrintNetworkSwitch} takes one value: main, dev or the path of a chain-spec file");
        return 2;
    }

    if (NetworkSource.TryResolve(args[1], out var printErrors, CommandLine.PrintNetworkSwitch) is not { } printed)
    {
        foreach (var error in printErrors)
        {
            Console.Error.WriteLine($"error: {error}");
        }

        return 2;
    }

    Console.Out.Write(Chain.Core.Specs.ChainSpecFile.ToJson(printed.ToSpec()));
    return 0;
}

var (switches, argumentError) = CommandLine.Normalize(args);
if (switches is null)
{
    Console.Error.WriteLine($"error: {argumentError}");
    return 2;
}

// No default sources (they would also read unprefixed and DOTNET_ variables): exactly appsettings.json in the
// working folder (or the --config file), then CHAIN_ environment variables, then the command line, each
// overriding the one before.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    DisableDefaults = true,
    ContentRootPath = Directory.GetCurrentDirectory(),
});
var configFile = CommandLine.ConfigFile(switches);
if (configFile is not null && !File.Exists(configFile))
{
    Console.Error.WriteLine($"error: --config: file '{configFile}' not found");
    return 2;
}

var settingsFile = Path.GetFullPath(configFile ?? Path.Combine(builder.Environment.ContentRootPath, "appsettings.json"));
try
{
    builder.Configuration.AddJsonFile(settingsFile, optional: configFile is null, reloadOnChange: false);
}
catch (InvalidDataException e)
{
    Console.Error.WriteLine($"error: {settingsFile}: {e.InnerException?.Message ?? e.Message} ({e.InnerException?.InnerException?.Message})");
    return 2;
}

builder.Configuration.AddEnvironmentVariables("CHAIN_");
builder.Configuration.AddCommandLine(switches, CommandLine.SwitchMappings);

builder.Logging.ClearProviders();
builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
builder.Logging.AddConsole(o => o.FormatterName = NodeLogFormatter.FormatterName);
builder.Logging.AddConsoleFormatter<NodeLogFormatter, ConsoleFormatterOptions>();
// Checked here, before anything is logged or written: the log file's folder must exist.
var logFile = builder.Configuration[$"{NodeOptions.Section}:{nameof(NodeOptions.LogFile)}"];
if (!string.IsNullOrWhiteSpace(logFile))
{
    var logFolder = Path.GetDirectoryName(Path.GetFullPath(logFile));
    if (Directory.Exists(logFile) || logFolder is null || !Directory.Exists(logFolder))
    {
        Console.Error.WriteLine($"error: --log-file (Node:LogFile): '{logFile}' is {(Directory.Exists(logFile) ? "a folder" : "in a folder that does not exist")}");
        return 2;
    }

    try
    {
        builder.Logging.AddProvider(new FileLoggerProvider(logFile));
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"error: --log-file (Node:LogFile): cannot open '{logFile}': {e.Message}");
        return 2;
    }
}

// Standard output carries only the console's answers: every log line goes to standard error.
builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

var services = builder.Services;
services.AddOptions<NodeOptions>().Bind(builder.Configuration.GetSection(NodeOptions.Section)).ValidateOnStart();
services.AddSingleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>();
services.AddSingleton(TimeProvider.System);
services.AddSingleton(sp => NetworkSource.Resolve(sp.GetRequiredService<IOptions<NodeOptions>>().Value.Network));
services.AddSingleton(sp => DataFolder.Open(sp.GetRequiredService<IOptions<NodeOptions>>().Value, sp.GetRequiredService<NetworkParameters>()));
services.AddSingleton(sp => WalletSetup.Read(sp.GetRequiredService<IOptions<NodeOptions>>().Value, Environment.GetEnvironmentVariable));
services.AddSingleton(sp =>
{
    var setup = sp.GetRequiredService<WalletSetup>();
    var wallet = sp.GetRequiredService<DataFolder>().OpenWallet(setup, out var outcome);
    var network = sp.GetRequiredService<NetworkParameters>();
    NodeLog.WalletOpened(
        sp.GetRequiredService<ILoggerFactory>().CreateLogger("Chain.Node.Wallet"),
        outcome,
        network.FormatAddress(wallet.Address),
        wallet.IsEncrypted ? $"private key encrypted (passphrase: {setup.Source})" : "private key stored unencrypted (the console's 'wallet encrypt' encrypts it)");
    return wallet;
});
services.AddSingleton(sp => NodeKey.LoadOrCreate(sp.GetRequiredService<DataFolder>().Path));
services.AddSingleton(sp => LedgerLoader.Load(
    sp.GetRequiredService<NetworkParameters>(),
    sp.GetRequiredService<TimeProvider>(),
    sp.GetRequiredService<DataFolder>(),
    sp.GetRequiredService<IOptions<NodeOptions>>().Value.BlockCacheMiB * 1024L * 1024,
    sp.GetRequiredService<IOptions<NodeOptions>>().Value.StateCacheMiB * 1024L * 1024,
    sp.GetRequiredService<ILogger<Blockchain>>()));
services.AddSingleton(sp =>
{
    var signerKey = sp.GetRequiredService<IOptions<NodeOptions>>().Value.SignerKey;
    return new Miner(sp.GetRequiredService<Blockchain>(), sp.GetRequiredService<TimeProvider>())
    {
        SignerKey = signerKey.Length > 0 ? WalletFile.ReadImportKey(signerKey) : null,
    };
});
services.AddSingleton<MiningControl>();

// Timeouts and caps of the peer layer come from the Network section; where to listen and whom to dial are
// the Node settings, which always win.
services.AddOptions<PeerManagerOptions>().Bind(builder.Configuration.GetSection(PeerManagerOptions.Section)).Configure<IOptions<NodeOptions>>((peers, node) =>
{
    peers.ListenAddress = node.Value.Bind;
    peers.ListenPort = node.Value.Port;
    peers.Neighbours = [.. node.Value.PeerList];
});
services.AddSingleton<IChainStatusProvider, LedgerStatusProvider>();
services.AddSingleton<PeerManager>();
services.AddSingleton<NodeProtocol>();
services.AddSingleton<PeerDirectory>();
services.AddSingleton<IPeerDirectory>(sp => sp.GetRequiredService<PeerDirectory>());
services.AddSingleton<NodeOperations>();
services.AddSingleton(sp => new CommandProcessor(sp.GetRequiredService<NodeOperations>()));

// Before the peer manager: it puts the kept bans back before anyone is accepted, and dials the remembered
// neighbours once everything has started.
services.AddHostedService(sp => sp.GetRequiredService<PeerDirectory>());
services.AddHostedService(sp => sp.GetRequiredService<PeerManager>());
services.AddHostedService(sp => sp.GetRequiredService<NodeProtocol>());
services.AddSingleton<PendingTransactionsService>();
services.AddSingleton<IPendingTransactionsSaver>(sp => sp.GetRequiredService<PendingTransactionsService>());
services.AddHostedService(sp => sp.GetRequiredService<PendingTransactionsService>());
services.AddHostedService<MiningService>();
services.AddHostedService<TipLog>();
services.AddHostedService<MempoolExpiryService>();
services.AddMetrics();
services.AddSingleton<NodeMetrics>();
services.AddSingleton<RpcDispatcher>();
services.AddSingleton<ExplorerAssets>(_ => new ExplorerAssets());
services.AddSingleton<ExplorerSite>();
services.AddSingleton<SubscriptionHub>();
services.AddSingleton<RpcServer>();
services.AddHostedService(sp => sp.GetRequiredService<RpcServer>());
services.AddHostedService<ExplorerAnnouncement>();
services.AddSingleton<CommandInterrupt>();
services.AddSingleton<IHostLifetime, NodeLifetime>();
services.AddHostedService<ConsoleService>();
services.AddHostedService<ShutdownReporter>();

using var host = builder.Build();
try
{
    // Resolve the options and the ledger first, so a bad setting or a damaged data folder stops the node
    // with one clear line before anything starts listening.
    var startLog = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Chain.Node");
    foreach (var unknown in UnknownSettings.Find(builder.Configuration))
    {
        NodeLog.UnknownSetting(startLog, unknown);
    }

    var options = host.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
    _ = host.Services.GetRequiredService<IOptions<PeerManagerOptions>>().Value;
    // The ports are tried and the passphrase and an imported key read and checked before the data folder is
    // created or opened, so a refusal leaves nothing behind.
    if (PortCheck.FirstProblem(options) is { } portProblem)
    {
        Console.Error.WriteLine($"error: {portProblem}");
        return 1;
    }

    host.Services.GetRequiredService<WalletSetup>();
    host.Services.GetRequiredService<Blockchain>();
    host.Services.GetRequiredService<Wallet>();
    // Its gauges exist from the start, for dotnet-counters even with --no-rpc.
    host.Services.GetRequiredService<NodeMetrics>();
    // Taken before running: RunAsync disposes the host and its services.
    var backgroundServices = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
    try
    {
        await host.RunAsync();
    }
    catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AddressNotAvailable or SocketError.AccessDenied)
    {
        Console.Error.WriteLine($"error: --port (Node:Port) / --bind (Node:Bind): cannot listen on {options.Bind}:{options.Port}: {e.Message}");
        return 1;
    }

    // A service that failed stopped the host: that is not a clean exit.
    var failed = backgroundServices.Where(s => s.ExecuteTask is { IsFaulted: true }).ToList();
    foreach (var service in failed)
    {
        Console.Error.WriteLine($"error: {service.GetType().Name} failed: {service.ExecuteTask!.Exception!.GetBaseException().Message}");
    }

    return failed.Count == 0 ? 0 : 1;
}
catch (OptionsValidationException e)
{
    // The peer layer's messages name a setting of the Network section (CHAIN_NETWORK__<SETTING>).
    var section = e.OptionsType == typeof(PeerManagerOptions) ? PeerManagerOptions.Section + ":" : string.Empty;
    foreach (var failure in e.Failures)
    {
        Console.Error.WriteLine($"error: {section}{failure}");
    }

    return 2;
}
catch (InvalidOperationException e) when (e.Message.Contains("Failed to convert configuration value", StringComparison.Ordinal))
{
    Console.Error.WriteLine($"error: {CommandLine.DescribeConversionFailure(e.Message)}");
    return 2;
}
catch (Exception e) when (e is WalletException or StoreCorruptException or DataFolderException or InvalidDataException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
