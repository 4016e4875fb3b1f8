/// `Split`: splits at the matches of a string or regex pattern with a ``SplitBehavior``;
/// `invert` splits at what does not match instead.
package struct SplitPreTokenizer: PreTokenizerComponent {
    package var pattern: TextPattern
    package var behavior: SplitBehavior
    package var invert: Bool

    package func split(_ piece: AlignedText, into out: inout [AlignedText]) {
        piece.split(matches: pattern.matches(in: piece.bytes), behavior: behavior, invert: invert, into: &out)
    }

    package var json: String {
        "{\"type\": \"Split\", \"pattern\": \(pattern.json), \"behavior\": \"\(behavior.rawValue)\", \"invert\": \(invert)}"
    }
}
