using System.ComponentModel.DataAnnotations;
using VectorIndexer.Core.Validation;

namespace VectorIndexer.Core.Tests;

public sealed class TimeSpanRangeAttributeTests
{
    private sealed class Settings
    {
        [TimeSpanRange("00:00:01", "00:10:00")]
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
    }

    [Theory]
    [InlineData("00:00:01", true)]
    [InlineData("00:10:00", true)]
    [InlineData("00:00:00.999", false)]
    [InlineData("00:10:00.001", false)]
    public void Limits_AreInclusive(string value, bool valid)
    {
        Assert.Equal(valid, new TimeSpanRangeAttribute("00:00:01", "00:10:00").IsValid(TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void AnInvalidValue_IsReported_NamingTheSettingAndTheLimits()
    {
        var settings = new Settings { Timeout = TimeSpan.FromHours(1) };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true));

        Assert.Equal("The field Timeout must be between 00:00:01 and 00:10:00.", Assert.Single(results).ErrorMessage);
    }

    [Fact]
    public void OneInstance_ValidatedFromManyThreadsAtOnce_NeverThrows()
    {
        // RangeAttribute(typeof(TimeSpan), ...) throws InvalidCastException here now and then (dotnet/runtime#1143).
        for (var round = 0; round < 2_000; round++)
        {
            var attribute = new TimeSpanRangeAttribute("00:00:00", "01:00:00");
            var results = new bool[4];
            Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => results[i] = attribute.IsValid(TimeSpan.FromMinutes(i)));
            Assert.All(results, Assert.True);
        }
    }
}
