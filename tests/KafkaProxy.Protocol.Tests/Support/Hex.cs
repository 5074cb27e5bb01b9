namespace KafkaProxy.Protocol.Tests.Support;

/// <summary>Readable byte vectors: hex pairs, with whitespace and // comments ignored.</summary>
internal static class Hex
{
    public static byte[] Bytes(string text)
    {
        var digits = string.Concat(text.Split('\n').Select(line =>
        {
            int comment = line.IndexOf("//", StringComparison.Ordinal);
            return comment >= 0 ? line[..comment] : line;
        })).Where(Uri.IsHexDigit).ToArray();
        return Convert.FromHexString(new string(digits));
    }
}
