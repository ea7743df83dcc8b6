using System.Globalization;
using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Specs;

namespace Chain.Core.Ledger;

public sealed partial class NetworkParameters
{
    /// <summary>Longest network name: it is written in the data folder and in logs.</summary>
    public const int MaxNameLength = 32;

    /// <summary>Longest address prefix: the address text (prefix, <c>1</c>, 32 data and 6 checksum characters) must stay within Bech32m's 90.</summary>
    public const int MaxAddressPrefixLength = 20;

    /// <summary>Most genesis allocations: the genesis block then stays well under <see cref="Block.MaxEncodedSize"/>.</summary>
    public const int MaxAllocations = 10_000;

    /// <summary>Smallest <c>limits.maxTransactionBytes</c>: an RSA-2048 transfer (the wallet's keys) is 603 bytes.</summary>
    public const int MinTransactionBytes = 603;

    /// <summary>Smallest <c>limits.maxBlockBytes</c>: a header, the count, and room for a coinbase and one transaction of the protocol's largest size.</summary>
    public const int MinBlockBytes = BlockHeader.Size + 4 + (2 * (Transaction.MaxEncodedSize + 4));

    /// <summary>Smallest <c>limits.maxBlockBytes</c> under proof of authority: as <see cref="MinBlockBytes"/> with the largest sealed header.</summary>
    public const int MinSealedBlockBytes = BlockHeader.MaxSize + 4 + (2 * (Transaction.MaxEncodedSize + 4));

    /// <summary>Largest <c>coinbaseMaturity</c>.</summary>
    public const int MaxCoinbaseMaturity = 10_000;

    /// <summary>Largest block time or period, in seconds (one day).</summary>
    public const int MaxBlockSeconds = 86_400;

    /// <summary>Most proof-of-authority signers at genesis (as many as a checkpoint header may list).</summary>
    public const int MaxSigners = BlockHeader.MaxSigners;

    /// <summary>Latest genesis timestamp accepted: 9999-12-31T23:59:59Z.</summary>
    public const long MaxGenesisTimestamp = 253_402_300_799;

    /// <summary>
    /// Builds a network from a chain spec after checking every field; throws <see cref="ChainSpecException"/> listing
    /// each faulty field by its path (<c>consensus.periodSeconds: must be at least 1</c>).
    /// </summary>
    public static NetworkParameters FromSpec(ChainSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<string>();

        var name = spec.Name;
        if (name is null)
        {
            errors.Add("name: missing");
        }
        else if (name.Length is 0 or > MaxNameLength || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') || name[0] == '-')
        {
            errors.Add($"name: '{name}' must be 1 to {MaxNameLength} lower-case letters, digits or '-', not starting with '-'");
        }

        uint magic = 0;
        if (spec.Magic is null)
        {
            errors.Add("magic: missing");
        }
        else if (!TryParseHex32(spec.Magic, out magic) || magic == 0)
        {
            errors.Add($"magic: '{spec.Magic}' must be a non-zero 32-bit hexadecimal number such as 0x4e49414d");
        }

        var prefix = spec.AddressPrefix;
        var prefixValid = false;
        if (prefix is null)
        {
            errors.Add("addressPrefix: missing");
        }
        else if (prefix.Length is 0 or > MaxAddressPrefixLength || !prefix.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9')))
        {
            errors.Add($"addressPrefix: '{prefix}' must be 1 to {MaxAddressPrefixLength} lower-case letters or digits");
        }
        else
        {
            prefixValid = true;
        }

        long genesisTimestamp = 0;
        var allocations = new List<GenesisAllocation>();
        long allocated = 0;
        if (spec.Genesis is not { } genesis)
        {
            errors.Add("genesis: missing");
        }
        else
        {
            genesisTimestamp = Required(genesis.Timestamp, "genesis.timestamp", 0, MaxGenesisTimestamp, errors);
            var list = genesis.Allocations ?? [];
            if (list.Count > MaxAllocations)
            {
                errors.Add($"genesis.allocations: {list.Count} allocations exceeds {MaxAllocations}");
            }

            var seen = new HashSet<Address>();
            for (var i = 0; i < list.Count && i < MaxAllocations; i++)
            {
                var field = $"genesis.allocations[{i}]";
                var entry = list[i];
                if (entry is null)
                {
                    errors.Add($"{field}: null, not an object");
                    continue;
                }

                var amount = Required(entry.Amount, field + ".amount", 1, Money.MaxSupply, errors);
                if (entry.Address is null)
                {
                    errors.Add($"{field}.address: missing");
                    continue;
                }

                if (!prefixValid)
                {
                    continue; // the address cannot be read without a valid prefix, which is reported already
                }

                if (!TryParseSpecAddress(entry.Address, prefix!, out var address, out var error))
                {
                    errors.Add($"{field}.address: {error}");
                }
                else if (!seen.Add(address))
                {
                    errors.Add($"{field}.address: {entry.Address} is allocated twice (write one allocation with the sum)");
                }
                else if (amount > 0)
                {
                    allocations.Add(new GenesisAllocation(address, amount));
                    allocated = Math.Min(checked(allocated + amount), Money.MaxSupply + 1);
                }
            }

            if (allocated > Money.MaxSupply)
            {
                errors.Add($"genesis.allocations: together exceed the supply limit of {Money.Format(Money.MaxSupply)} coins");
            }
        }

        long initialReward = 0;
        var halvingInterval = 1;
        if (spec.BlockReward is not { } reward)
        {
            errors.Add("blockReward: missing");
        }
        else
        {
            initialReward = Required(reward.Initial, "blockReward.initial", 0, Money.MaxSupply, errors);
            halvingInterval = (int)Required(reward.HalvingInterval, "blockReward.halvingInterval", 1, int.MaxValue, errors);
            var issued = Issuance(initialReward, Math.Max(1, halvingInterval));
            if (allocated <= Money.MaxSupply && issued + allocated > Money.MaxSupply)
            {
                errors.Add($"blockReward: every block reward ({issued} units) plus the genesis allocations ({allocated} units) exceed the supply limit of {Money.MaxSupply} units");
            }
        }

        var minFee = Required(spec.MinFee, "minFee", 0, Money.MaxSupply, errors);

        int maxBlockBytes = 0, maxBlockTransactions = 0, maxTransactionBytes = 0;
        if (spec.Limits is not { } limits)
        {
            errors.Add("limits: missing");
        }
        else
        {
            maxBlockBytes = (int)Required(limits.MaxBlockBytes, "limits.maxBlockBytes", MinBlockBytes, Block.MaxEncodedSize, errors);
            maxBlockTransactions = (int)Required(limits.MaxBlockTransactions, "limits.maxBlockTransactions", 2, Block.MaxTransactions, errors);
            maxTransactionBytes = (int)Required(limits.MaxTransactionBytes, "limits.maxTransactionBytes", MinTransactionBytes, Transaction.MaxEncodedSize, errors);
        }

        var coinbaseMaturity = (int)Required(spec.CoinbaseMaturity, "coinbaseMaturity", 1, MaxCoinbaseMaturity, errors);
        var consensus = ReadConsensus(spec.Consensus, prefixValid ? prefix! : null, errors);
        if (consensus is PoaParameters && maxBlockBytes >= MinBlockBytes && maxBlockBytes < MinSealedBlockBytes)
        {
            errors.Add($"limits.maxBlockBytes: must be at least {MinSealedBlockBytes} under proof of authority (a sealed header takes up to {BlockHeader.MaxSize} bytes), not {maxBlockBytes}");
        }

        if (errors.Count > 0)
        {
            throw new ChainSpecException(errors);
        }

        return new NetworkParameters(
            name!, prefix!, magic, consensus!, genesisTimestamp, allocations, initialReward, halvingInterval, minFee,
            maxBlockBytes, maxBlockTransactions, maxTransactionBytes, coinbaseMaturity);
    }

    /// <summary>This network as a chain spec: the template <c>--print-network</c> writes; <see cref="FromSpec"/> of it gives the same genesis hash.</summary>
    public ChainSpec ToSpec() => new()
    {
        Name = Name,
        Magic = FormatHex32(Magic),
        AddressPrefix = AddressPrefix,
        Genesis = new ChainSpecGenesis
        {
            Timestamp = GenesisTimestamp,
            Allocations = [.. Allocations.Select(a => new ChainSpecAllocation { Address = FormatAddress(a.Address), Amount = a.Amount })],
        },
        BlockReward = new ChainSpecReward { Initial = InitialReward, HalvingInterval = HalvingInterval },
        MinFee = MinFee,
        Limits = new ChainSpecLimits { MaxBlockBytes = MaxBlockBytes, MaxBlockTransactions = MaxBlockTransactions, MaxTransactionBytes = MaxTransactionBytes },
        CoinbaseMaturity = CoinbaseMaturity,
        Consensus = Consensus switch
        {
            PowParameters pow => new ChainSpecConsensus
            {
                Engine = PowParameters.Name,
                PowLimitBits = FormatHex32(pow.PowLimitBits),
                TargetBlockSeconds = pow.TargetBlockSeconds,
                RetargetInterval = pow.RetargetInterval,
            },
            PoaParameters poa => new ChainSpecConsensus
            {
                Engine = PoaParameters.Name,
                Signers = [.. poa.Signers.Select(FormatAddress)],
                PeriodSeconds = poa.PeriodSeconds,
                Epoch = poa.Epoch,
            },
            _ => throw new InvalidOperationException($"Unknown consensus engine {Consensus.Engine}."),
        },
    };

    private static ConsensusParameters? ReadConsensus(ChainSpecConsensus? section, string? prefix, List<string> errors)
    {
        if (section is null)
        {
            errors.Add("consensus: missing");
            return null;
        }

        switch (section.Engine)
        {
            case PowParameters.Name:
            {
                RefuseOther("consensus", errors, (section.Signers, "signers"), (section.PeriodSeconds, "periodSeconds"), (section.Epoch, "epoch"));
                uint bits = 0;
                if (section.PowLimitBits is null)
                {
                    errors.Add("consensus.powLimitBits: missing");
                }
                else if (!TryParseHex32(section.PowLimitBits, out bits) || !Target.TryExpand(bits, out var target) || target.IsZero)
                {
                    errors.Add($"consensus.powLimitBits: '{section.PowLimitBits}' is not a valid non-zero compact target such as 0x1f00ffff");
                }

                var seconds = (int)Required(section.TargetBlockSeconds, "consensus.targetBlockSeconds", 1, MaxBlockSeconds, errors);
                var interval = (int)Required(section.RetargetInterval, "consensus.retargetInterval", 0, int.MaxValue, errors);
                if (interval == 1)
                {
                    errors.Add("consensus.retargetInterval: must be 0 (fixed difficulty) or at least 2 (a window measures the time between its first and last block)");
                }

                return new PowParameters(bits, seconds, interval);
            }

            case PoaParameters.Name:
            {
                RefuseOther("consensus", errors, (section.PowLimitBits, "powLimitBits"), (section.TargetBlockSeconds, "targetBlockSeconds"), (section.RetargetInterval, "retargetInterval"));
                var signers = new List<Address>();
                if (section.Signers is not { Count: > 0 } texts)
                {
                    errors.Add("consensus.signers: must list at least one signer address");
                }
                else if (texts.Count > MaxSigners)
                {
                    errors.Add($"consensus.signers: {texts.Count} signers exceeds {MaxSigners}");
                }
                else if (prefix is not null)
                {
                    for (var i = 0; i < texts.Count; i++)
                    {
                        if (!TryParseSpecAddress(texts[i], prefix, out var signer, out var error))
                        {
                            errors.Add($"consensus.signers[{i}]: {error}");
                        }
                        else if (signers.Contains(signer))
                        {
                            errors.Add($"consensus.signers[{i}]: {texts[i]} is listed twice");
                        }
                        else
                        {
                            signers.Add(signer);
                        }
                    }
                }

                var period = (int)Required(section.PeriodSeconds, "consensus.periodSeconds", 1, MaxBlockSeconds, errors);
                var epoch = (int)Required(section.Epoch, "consensus.epoch", 1, int.MaxValue, errors);
                return new PoaParameters(signers, period, epoch);
            }

            case null:
                errors.Add($"consensus.engine: missing (use {PowParameters.Name} or {PoaParameters.Name})");
                return null;

            default:
                errors.Add($"consensus.engine: unknown engine '{section.Engine}' (use {PowParameters.Name} or {PoaParameters.Name})");
                return null;
        }
    }

    private static void RefuseOther(string section, List<string> errors, params (object? Value, string Name)[] members)
    {
        foreach (var (value, name) in members)
        {
            if (value is not null)
            {
                errors.Add($"{section}.{name}: not a member of this engine");
            }
        }
    }

    private static long Required(long? value, string field, long min, long max, List<string> errors)
    {
        if (value is not { } v)
        {
            errors.Add($"{field}: missing");
            return min;
        }

        if (v < min || v > max)
        {
            errors.Add(max == int.MaxValue || max == long.MaxValue
                ? $"{field}: must be at least {min}, not {v}"
                : $"{field}: must be between {min} and {max}, not {v}");
            return min;
        }

        return v;
    }

    // Every unit the block rewards will ever create: the sum over halvings of the reward times the interval.
    private static long Issuance(long initial, int interval)
    {
        Int128 total = 0;
        for (var halvings = 0; halvings < 63 && (initial >> halvings) > 0; halvings++)
        {
            total += (Int128)(initial >> halvings) * interval;
            if (total > Money.MaxSupply)
            {
                break;
            }
        }

        return total > long.MaxValue ? long.MaxValue : (long)total;
    }

    // An address in a spec: the network's text form, or 40 lower-case hex as wallet.json holds it (and as
    // `openssl pkey -pubout -outform DER | sha256sum | cut -c1-40` computes it) for a key made before the network exists.
    private static bool TryParseSpecAddress(string? text, string prefix, out Address address, out string? error)
    {
        if (text is { Length: Address.Size * 2 } && text.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
        {
            address = Address.Parse(text);
            error = null;
            return true;
        }

        return Address.TryParseText(text, prefix, out address, out error);
    }

    private static bool TryParseHex32(string text, out uint value)
    {
        value = 0;
        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length is > 2 and <= 10
            && uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static string FormatHex32(uint value) => "0x" + value.ToString("x8", CultureInfo.InvariantCulture);
}
