/// Splits normalized UTF-8 text into pieces, each a byte range of the input.
///
/// Pieces are appended in order and never overlap; what lies between them (whitespace, for
/// the splitters that drop it) belongs to no piece.
///
/// ```swift
/// var pieces: [Range<Int>] = []
/// text.withUTF8 { ByteLevelPreTokenizer().split($0, into: &pieces) }
/// ```
public protocol PreTokenizer: Sendable {
    /// Appends the byte ranges of the pieces of `text` (valid UTF-8) to `pieces`.
    func split(_ text: UnsafeBufferPointer<UInt8>, into pieces: inout [Range<Int>])
}

extension PreTokenizer {
    /// The pieces of `text` with their byte ranges (a convenience for tests and inspection).
    public func pieces(of text: String) -> [(piece: String, range: Range<Int>)] {
        var ranges: [Range<Int>] = []
        var copy = text
        return copy.withUTF8 { bytes in
            split(bytes, into: &ranges)
            return ranges.map { (String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self), $0) }
        }
    }
}

/// The pre-tokenizers Tessera provides, by their command-line names.
public enum PreTokenizerStyle: String, CaseIterable, Sendable, Codable {
    /// GPT-2's byte-level regex split.
    case gpt2
    /// BERT: whitespace, punctuation and CJK ideographs.
    case bert
    /// Whitespace only.
    case whitespace
    /// ICU word boundaries.
    case words

    /// A pre-tokenizer of this style.
    public func makePreTokenizer() -> any PreTokenizer {
        switch self {
        case .gpt2: return ByteLevelPreTokenizer()
        case .bert: return BertPreTokenizer()
        case .whitespace: return WhitespacePreTokenizer()
        case .words: return WordBoundaryPreTokenizer()
        }
    }
}
