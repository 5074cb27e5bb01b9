using System.Globalization;
using KafkaProxy.Load;
using KafkaProxy.Load.Cluster;
using KafkaProxy.Load.Forwarding;

// Every number this program prints or writes uses the invariant culture.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// kafkaproxy-load run [flags]      measures direct vs proxied and writes the results (bench/run.sh calls this)
// kafkaproxy-load compare [flags]  measures proxy builds and settings side by side (bench/filters.sh calls this)
// kafkaproxy-load spool [flags]    the gateway's disk spool against memory mode (bench/spool.sh calls this)
// kafkaproxy-load floor [flags]    the latency scenario direct, proxied and through reference forwarders (socat, a blocking one)
// kafkaproxy-load cluster          the test cluster as a process of its own (started by 'run'; prints its bootstrap)
// kafkaproxy-load floor-forwarder  the blocking reference forwarder as a process of its own (started by 'floor')
string command = args.Length == 0 ? "run" : args[0];
string[] rest = args.Length == 0 ? [] : args[1..];
switch (command)
{
    case "cluster":
        return await ClusterCommand.RunAsync();
    case "floor-forwarder":
        return await FloorForwarderCommand.RunAsync(rest);
    case "run" or "compare" or "spool" or "floor":
        LoadSettings settings;
        try
        {
            settings = LoadSettings.Parse(rest);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine("kafkaproxy-load: " + ex.Message);
            Console.Error.WriteLine(LoadSettings.HelpText);
            return 2;
        }

        if (settings.HelpRequested)
        {
            Console.WriteLine(LoadSettings.HelpText);
            return 0;
        }

        if (command is "run" or "floor" && (settings.BaselineProxyPath is not null || settings.Variants.Count > 0 || settings.CountSyscalls))
        {
            Console.Error.WriteLine("kafkaproxy-load: --baseline-proxy, --variant and --syscalls belong to 'kafkaproxy-load compare'.");
            return 2;
        }

        try
        {
            return command switch
            {
                "run" => await RunCommand.RunAsync(settings),
                "spool" => await SpoolCommand.RunAsync(settings),
                "floor" => await FloorCommand.RunAsync(settings),
                _ => await CompareCommand.RunAsync(settings),
            };
        }
        catch (Exception ex) when (ex is FileNotFoundException or TimeoutException or InvalidOperationException or IOException)
        {
            // A process that would not start or a scenario that could not finish: say which, without a stack trace.
            Console.Error.WriteLine("kafkaproxy-load: " + ex.Message);
            return 1;
        }
    case "-h" or "--help" or "help":
        Console.WriteLine(LoadSettings.HelpText);
        return 0;
    default:
        Console.Error.WriteLine($"kafkaproxy-load: unknown command '{command}'. Commands: run, compare, spool, floor, cluster, floor-forwarder. kafkaproxy-load --help lists the flags.");
        return 2;
}
