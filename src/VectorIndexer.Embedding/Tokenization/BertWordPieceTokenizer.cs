using Microsoft.ML.Tokenizers;

namespace VectorIndexer.Embedding.Tokenization;

/// <summary>
/// BERT tokenization that reproduces the reference tokenizer's ids: <see cref="BertTextNormalizer"/>
/// for basic tokenization, Microsoft.ML.Tokenizers' WordPiece model for sub-words, and the
/// <c>[CLS] … [SEP]</c> frame. Thread-safe; one instance serves a whole process.
/// </summary>
public sealed class BertWordPieceTokenizer
{
    /// <summary>Text is normalised in segments of about this many characters, so a huge input
    /// is only read as far as the token budget needs.</summary>
    private const int SegmentLength = 4096;

    private readonly WordPieceTokenizer _wordPiece;
    private readonly (string Token, int Id)[] _specialTokens;

    private BertWordPieceTokenizer(WordPieceTokenizer wordPiece, bool lowerCase)
    {
        _wordPiece = wordPiece;
        LowerCase = lowerCase;
        ClsId = Lookup("[CLS]");
        SepId = Lookup("[SEP]");
        PadId = Lookup("[PAD]");
        UnknownId = wordPiece.UnknownTokenId;
        _specialTokens = [("[CLS]", ClsId), ("[SEP]", SepId), ("[PAD]", PadId), ("[UNK]", UnknownId), ("[MASK]", Lookup("[MASK]"))];
    }

    public int ClsId { get; }

    public int SepId { get; }

    public int PadId { get; }

    public int UnknownId { get; }

    public bool LowerCase { get; }

    /// <summary>Loads a WordPiece vocabulary (one token per line, line number = id).</summary>
    public static BertWordPieceTokenizer FromVocabulary(string vocabPath, bool lowerCase = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(vocabPath);
        using var stream = File.OpenRead(vocabPath);
        return FromVocabulary(stream, lowerCase);
    }

    /// <summary>Loads a WordPiece vocabulary from a stream.</summary>
    public static BertWordPieceTokenizer FromVocabulary(Stream vocabulary, bool lowerCase = true)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var options = new WordPieceOptions
        {
            // Words arrive already split and normalised; the only split left is on spaces.
            PreTokenizer = new SpacePreTokenizer(),
            Normalizer = null,
            UnknownToken = "[UNK]",
            ContinuingSubwordPrefix = "##",
            MaxInputCharsPerWord = 100,
        };
        return new BertWordPieceTokenizer(WordPieceTokenizer.Create(vocabulary, options), lowerCase);
    }

    /// <summary>All ids of <paramref name="text"/>, framed by [CLS] and [SEP], without truncation.</summary>
    public int[] EncodeToIds(string text) => EncodeToIds(text, int.MaxValue);

    /// <summary>
    /// Ids of <paramref name="text"/> framed by [CLS] and [SEP], keeping the first
    /// <paramref name="maxLength"/> − 2 word pieces, as the reference truncates a single sequence.
    /// </summary>
    public int[] EncodeToIds(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        var budget = maxLength - 2;
        var ids = new List<int>(Math.Min(budget, (text.Length / 3) + 8)) { ClsId };
        var position = 0;
        while (position < text.Length && ids.Count - 1 < budget)
        {
            // The reference matches its special tokens in the raw text before any normalisation.
            var (at, length, specialId) = FindSpecialToken(text, position);
            var end = at < 0 ? text.Length : at;
            EncodePlain(text, position, end, ids, budget);
            if (at < 0)
            {
                break;
            }

            if (ids.Count - 1 < budget)
            {
                ids.Add(specialId);
            }

            position = at + length;
        }

        ids.Add(SepId);
        return [.. ids];
    }

    /// <summary>The number of tokens (with [CLS] and [SEP]) the text takes, up to <paramref name="maxLength"/>.</summary>
    public int CountTokens(string text, int maxLength) => EncodeToIds(text, maxLength).Length;

    private void EncodePlain(string text, int start, int end, List<int> ids, int budget)
    {
        while (start < end && ids.Count - 1 < budget)
        {
            var segmentEnd = SegmentEnd(text, start, end);
            var words = BertTextNormalizer.Normalize(text.AsSpan(start, segmentEnd - start), LowerCase);
            start = segmentEnd;
            if (words.Length == 0)
            {
                continue;
            }

            // The reference cuts inside a word when the budget ends there; the library's own
            // token limit stops at word boundaries, so the whole segment is encoded and cut here.
            var pieces = _wordPiece.EncodeToIds(words, considerPreTokenization: true, considerNormalization: false);
            var take = Math.Min(pieces.Count, budget - (ids.Count - 1));
            for (var i = 0; i < take; i++)
            {
                ids.Add(pieces[i]);
            }
        }
    }

    private (int At, int Length, int Id) FindSpecialToken(string text, int start)
    {
        var at = text.IndexOf('[', start);
        while (at >= 0)
        {
            foreach (var (token, id) in _specialTokens)
            {
                if (string.CompareOrdinal(text, at, token, 0, token.Length) == 0)
                {
                    return (at, token.Length, id);
                }
            }

            at = text.IndexOf('[', at + 1);
        }

        return (-1, 0, 0);
    }

    private int Lookup(string token)
    {
        var ids = _wordPiece.EncodeToIds(token, considerPreTokenization: false, considerNormalization: false);
        if (ids.Count != 1 || ids[0] == _wordPiece.UnknownTokenId)
        {
            throw new InvalidDataException($"The vocabulary has no '{token}' token; it is not a BERT WordPiece vocabulary.");
        }

        return ids[0];
    }

    /// <summary>Ends a segment at a whitespace character so that no word is cut in two.</summary>
    private static int SegmentEnd(string text, int start, int end)
    {
        if (end - start <= SegmentLength)
        {
            return end;
        }

        for (var i = start + SegmentLength; i < end; i++)
        {
            if (text[i] is ' ' or '\n' or '\t' or '\r')
            {
                return i + 1;
            }
        }

        return end;
    }

    private sealed class SpacePreTokenizer : PreTokenizer
    {
        public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) =>
            string.IsNullOrEmpty(text) ? [] : Split(text);

        public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) =>
            text.IsEmpty ? [] : Split(text.ToString());

        private static IEnumerable<(int Offset, int Length)> Split(string text)
        {
            var start = 0;
            while (start < text.Length)
            {
                var space = text.IndexOf(' ', start);
                var end = space < 0 ? text.Length : space;
                if (end > start)
                {
                    yield return (start, end - start);
                }

                start = end + 1;
            }
        }
    }
}
