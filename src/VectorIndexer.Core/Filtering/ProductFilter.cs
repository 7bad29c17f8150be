using System.Text.Json.Serialization;

namespace VectorIndexer.Core.Filtering;

/// <summary>
/// A condition on product payload fields, composable with and / or / not. Field names are those
/// of <see cref="ProductSchema"/>; <see cref="ProductSchema.Validate"/> rejects unknown fields and
/// wrong types with an error naming the field, instead of silently matching nothing.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AndFilter), "and")]
[JsonDerivedType(typeof(OrFilter), "or")]
[JsonDerivedType(typeof(NotFilter), "not")]
[JsonDerivedType(typeof(KeywordFilter), "keyword")]
[JsonDerivedType(typeof(RangeFilter), "range")]
[JsonDerivedType(typeof(BoolFilter), "bool")]
public abstract record ProductFilter
{
    public static ProductFilter And(params ProductFilter[] filters) => new AndFilter(filters);

    public static ProductFilter Or(params ProductFilter[] filters) => new OrFilter(filters);

    public static ProductFilter Not(ProductFilter filter) => new NotFilter(filter);

    public static ProductFilter Equal(string field, string value) => new KeywordFilter(field, KeywordMatch.Any, [value]);

    public static ProductFilter AnyOf(string field, params string[] values) => new KeywordFilter(field, KeywordMatch.Any, values);

    public static ProductFilter NoneOf(string field, params string[] values) => new KeywordFilter(field, KeywordMatch.None, values);

    public static ProductFilter Range(string field, double? min = null, double? max = null) => new RangeFilter(field, min, max);

    public static ProductFilter Is(string field, bool value) => new BoolFilter(field, value);
}

/// <summary>Every condition holds (an empty list matches everything).</summary>
public sealed record AndFilter(IReadOnlyList<ProductFilter> Filters) : ProductFilter;

/// <summary>At least one condition holds (an empty list matches nothing).</summary>
public sealed record OrFilter(IReadOnlyList<ProductFilter> Filters) : ProductFilter;

/// <summary>The condition does not hold.</summary>
public sealed record NotFilter(ProductFilter Filter) : ProductFilter;

/// <summary>How a keyword condition matches.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<KeywordMatch>))]
public enum KeywordMatch
{
    /// <summary>The field has one of the values (one value: equals).</summary>
    Any,

    /// <summary>The field has none of the values; a product without the field matches.</summary>
    None,
}

/// <summary>
/// A keyword field equals one of / none of the values. Comparison is exact (case-sensitive);
/// for <c>category</c> a product matches when any level of its path matches.
/// </summary>
public sealed record KeywordFilter(string Field, KeywordMatch Match, IReadOnlyList<string> Values) : ProductFilter;

/// <summary>A numeric field within [Min, Max], both inclusive, either open. A product without the field never matches.</summary>
public sealed record RangeFilter(string Field, double? Min, double? Max) : ProductFilter;

/// <summary>A boolean field has the value. A product without the field never matches.</summary>
public sealed record BoolFilter(string Field, bool Value) : ProductFilter;
