import ArtifactIO
import TextNormalization

/// The pre-tokenizers that split at characters of a kind: `WhitespaceSplit`, `BertPreTokenizer`,
/// `Punctuation`, `Digits` and `CharDelimiterSplit`.
package struct CharacterSplitPreTokenizer: PreTokenizerComponent {
    /// Which one.
    package enum Kind: Sendable {
        /// Whitespace removed.
        case whitespaceSplit
        /// Whitespace removed, then punctuation isolated.
        case bert
        /// Punctuation split with a behavior (default `Isolated`).
        case punctuation(SplitBehavior)
        /// Numeric characters isolated one by one, or contiguous runs kept together.
        case digits(individual: Bool)
        /// A delimiter character removed.
        case delimiter(UInt32)
    }

    package var kind: Kind

    package func split(_ piece: AlignedText, into out: inout [AlignedText]) {
        switch kind {
        case .whitespaceSplit:
            piece.split(matches: piece.characterMatches(isWhitespaceScalar), behavior: .removed, into: &out)
        case .bert:
            var words: [AlignedText] = []
            piece.split(matches: piece.characterMatches(isWhitespaceScalar), behavior: .removed, into: &words)
            for w in words { w.split(matches: w.characterMatches(isPunctuationScalar), behavior: .isolated, into: &out) }
        case .punctuation(let behavior):
            piece.split(matches: piece.characterMatches(isPunctuationScalar), behavior: behavior, into: &out)
        case .digits(let individual):
            piece.split(
                matches: piece.characterMatches { CharacterClass.of($0).contains(.number) },
                behavior: individual ? .isolated : .contiguous, into: &out)
        case .delimiter(let d):
            piece.split(matches: piece.characterMatches { $0 == d }, behavior: .removed, into: &out)
        }
    }

    package var json: String {
        switch kind {
        case .whitespaceSplit: return "{\"type\": \"WhitespaceSplit\"}"
        case .bert: return "{\"type\": \"BertPreTokenizer\"}"
        case .punctuation(let b): return "{\"type\": \"Punctuation\", \"behavior\": \"\(b.rawValue)\"}"
        case .digits(let individual): return "{\"type\": \"Digits\", \"individual_digits\": \(individual)}"
        case .delimiter(let d):
            return "{\"type\": \"CharDelimiterSplit\", \"delimiter\": \(JSONText.string(String(Character(Unicode.Scalar(d) ?? " "))))}"
        }
    }
}
