namespace VectorIndexer.Core.Tests;

public sealed class ProductTextComposerTests
{
    private static readonly Product Sample = new()
    {
        Id = "SKU-1",
        Title = "  Trail Running Shoe  ",
        Brand = "Acme",
        Color = "Blue",
        Category = ["Sports", "", "Running", "Shoes"],
        Attributes = new Dictionary<string, string> { ["size"] = "42", ["material"] = "mesh", ["empty"] = " " },
        Bullets = ["Grippy sole", "Breathable upper"],
        Description = "A light shoe for long runs.",
    };

    [Fact]
    public void Compose_WithDefaultOptions_WritesFieldsInPriorityOrderOnePerLine()
    {
        var text = new ProductTextComposer().Compose(Sample);

        Assert.Equal(
            "Trail Running Shoe\nAcme\nBlue\nSports > Running > Shoes\nmaterial: mesh\nsize: 42\nGrippy sole\nBreathable upper\nA light shoe for long runs.",
            text);
    }

    [Fact]
    public void Compose_SkipsMissingFields()
    {
        var text = new ProductTextComposer().Compose(new Product { Id = "1", Title = "Mug", Description = "  " });

        Assert.Equal("Mug", text);
    }

    [Fact]
    public void Compose_WithConfiguredFields_UsesOnlyThoseInThatOrder()
    {
        var composer = new ProductTextComposer(new ProductTextOptions { Fields = [ProductTextField.Brand, ProductTextField.Title] });

        Assert.Equal("Acme\nTrail Running Shoe", composer.Compose(Sample));
    }

    [Fact]
    public void Compose_WithHugeDescription_IsBoundedByMaxCharacters()
    {
        var product = Sample with { Description = new string('x', 100_000) };
        var composer = new ProductTextComposer(new ProductTextOptions { MaxCharacters = 1000 });

        var text = composer.Compose(product);

        Assert.Equal(1000, text.Length);
        Assert.StartsWith("Trail Running Shoe\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_CutAtMaxCharacters_NeverSplitsASurrogatePair()
    {
        var product = new Product { Id = "1", Title = new string('a', 63) + "😀😀" };
        var composer = new ProductTextComposer(new ProductTextOptions { MaxCharacters = 64 });

        var text = composer.Compose(product);

        Assert.Equal(63, text.Length);
        Assert.False(char.IsHighSurrogate(text[^1]));
    }

    [Fact]
    public void Constructor_WithNoFields_UsesTheDefaultOrder()
    {
        var composer = new ProductTextComposer(new ProductTextOptions { Fields = [] });

        Assert.Equal(new ProductTextComposer().Compose(Sample), composer.Compose(Sample));
    }

    [Fact]
    public void Constructor_WithARepeatedField_ThrowsNamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ProductTextComposer(new ProductTextOptions { Fields = [ProductTextField.Title, ProductTextField.Title] }));
        Assert.Contains("ProductText:Fields", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContentHash_IsStableAndSensitiveToEveryCharacter()
    {
        Assert.Equal(ProductTextComposer.ContentHash("abc"), ProductTextComposer.ContentHash("abc"));
        Assert.NotEqual(ProductTextComposer.ContentHash("abc"), ProductTextComposer.ContentHash("abd"));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ProductTextComposer.ContentHash("abc"));
    }
}
