using KafkaProxy.ConsoleHost.CommandLine;

// TEMPORARY (branch cli): a minimal entry point so that the command-line types build and can be tried by hand. The lead's
// Program.cs, which adds ServerCommandLine's settings as configuration sources and runs the proxy, replaces it at merge.
if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("Usage: kafka-proxy server [flags]              run the proxy (kafka-proxy server --help lists the flags)");
    Console.WriteLine("       kafka-proxy credentials --username <u>  print credentials-file lines for a password read from stdin");
    return 0;
}

if (args[0] == "credentials")
{
    var credentials = CredentialsCommandLine.Parse(args[1..]);
    if (credentials.HelpRequested)
    {
        Console.WriteLine(CredentialsCommandLine.HelpText);
        return 0;
    }

    if (credentials.Errors.Count > 0)
    {
        Console.Error.WriteLine("kafka-proxy: " + credentials.Errors[0]);
        return 2;
    }

    try
    {
        foreach (string line in credentials.CreateLines(CredentialsCommandLine.ReadPassword()))
        {
            Console.WriteLine(line);
        }

        return 0;
    }
    catch (CommandLineException ex)
    {
        Console.Error.WriteLine("kafka-proxy: " + ex.Message);
        return 2;
    }
}

if (args[0] != "server")
{
    Console.Error.WriteLine($"kafka-proxy: unknown command '{args[0]}'. The commands are 'server' and 'credentials': kafka-proxy --help");
    return 2;
}

var server = ServerCommandLine.Parse(args[1..], Environment.GetEnvironmentVariable);
if (server.HelpRequested)
{
    Console.WriteLine(ServerCommandLine.HelpText);
    return 0;
}

foreach (string error in server.Errors)
{
    Console.Error.WriteLine("kafka-proxy: " + error);
}

if (server.Errors.Count > 0)
{
    return 2;
}

// Keys only: values may be passwords.
Console.WriteLine("Configuration keys set by flags: " + string.Join(", ", server.Settings.Keys));
Console.Error.WriteLine("kafka-proxy: this build only reads the command line; the host that runs the proxy arrives with the lead's Program.cs.");
return 1;
