/// `Sequence`: pre-tokenizers applied one after the other, each to every piece the previous made.
package struct SequencePreTokenizer: PreTokenizerComponent {
    package var preTokenizers: [any PreTokenizerComponent]

    package func split(_ piece: AlignedText, into out: inout [AlignedText]) {
        var pieces = [piece]
        for p in preTokenizers { p.preTokenize(&pieces) }
        out.append(contentsOf: pieces)
    }

    package var json: String {
        "{\"type\": \"Sequence\", \"pretokenizers\": [" + preTokenizers.map(\.json).joined(separator: ", ") + "]}"
    }
}
