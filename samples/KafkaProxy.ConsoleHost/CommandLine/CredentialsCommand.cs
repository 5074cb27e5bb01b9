namespace KafkaProxy.ConsoleHost.CommandLine;

/// <summary><c>kafka-proxy credentials</c>: prints a user's credentials-file lines for a password read from standard input.</summary>
internal static class CredentialsCommand
{
    public static int Run(IReadOnlyList<string> args)
    {
        var credentials = CredentialsCommandLine.Parse(args);
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
}
