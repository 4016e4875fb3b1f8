import TextNormalization

/// `Whitespace`: keeps the matches of `\w+|[^\w\s]+` (words and runs of other non-space characters).
package struct WhitespacePreTokenizerComponent: PreTokenizerComponent {
    let regex: ICURegex

    package init() throws { regex = try ICURegex(oniguruma: #"\w+|[^\w\s]+"#) }

    package func split(_ piece: AlignedText, into out: inout [AlignedText]) {
        piece.split(matches: regex.matches(in: piece.bytes), behavior: .removed, invert: true, into: &out)
    }

    package var json: String { "{\"type\": \"Whitespace\"}" }
}
