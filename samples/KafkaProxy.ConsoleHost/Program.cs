Console.Error.WriteLine("kafka-proxy: the server command is not built yet.");
return 2;
