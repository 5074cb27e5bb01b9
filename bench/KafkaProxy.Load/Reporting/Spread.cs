using System.Globalization;

namespace KafkaProxy.Load.Reporting;

/// <summary>The median of a few values (the mean of the middle two for an even count), with the smallest and largest.</summary>
internal readonly record struct Spread(double Median, double Min, double Max, int Count)
{
    public static Spread Of(IEnumerable<double> values)
    {
        double[] sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Spread(double.NaN, double.NaN, double.NaN, 0);
        }

        int middle = sorted.Length / 2;
        double median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[^1], sorted.Length);
    }

    /// <summary><c>median [min – max]</c> in <paramref name="format"/>, or n/a when there was nothing to measure.</summary>
    public string Describe(string format) => double.IsNaN(Median)
        ? "n/a"
        : $"{Median.ToString(format, CultureInfo.InvariantCulture)} [{Min.ToString(format, CultureInfo.InvariantCulture)} – {Max.ToString(format, CultureInfo.InvariantCulture)}]";
}
