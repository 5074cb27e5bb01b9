Console.Error.WriteLine("KafkaProxy.WebHost: the HTTP gateway is not built yet.");
return 2;
