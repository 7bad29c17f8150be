using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace VectorIndexer.Core.Validation;

/// <summary>
/// A <see cref="TimeSpan"/> setting between two limits, inclusive. Use it instead of
/// <c>[TimeSpanRange("…", "…")]</c>: <see cref="RangeAttribute"/> converts its string limits lazily on the
/// first validation and is not thread-safe while it does (dotnet/runtime#1143: two options validated at once, e.g.
/// by a health check and a hosted service, throw InvalidCastException). This one parses its limits in the
/// constructor and never changes afterwards.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class TimeSpanRangeAttribute : ValidationAttribute
{
    /// <param name="minimum">The least value, in the invariant <c>[d.]hh:mm:ss[.fff]</c> form.</param>
    /// <param name="maximum">The greatest value, in the same form.</param>
    public TimeSpanRangeAttribute(string minimum, string maximum)
        : base("The field {0} must be between {1} and {2}.")
    {
        Minimum = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);
        Maximum = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);
        if (Minimum > Maximum)
        {
            throw new ArgumentException($"The minimum {minimum} is above the maximum {maximum}.", nameof(minimum));
        }
    }

    public TimeSpan Minimum { get; }

    public TimeSpan Maximum { get; }

    /// <summary>Null is valid (as for <see cref="RangeAttribute"/>); a value that is not a TimeSpan is not.</summary>
    public override bool IsValid(object? value) => value is null || (value is TimeSpan time && time >= Minimum && time <= Maximum);

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum, Maximum);
}
