import ArtifactIO

/// When `Metaspace` puts its replacement character before a piece.
package enum PrependScheme: String, Sendable {
    /// Before every piece.
    case always
    /// Before the piece at the start of the input only.
    case first
    /// Never.
    case never
}

/// `Metaspace`: spaces become the replacement character (`▁`), which is put before the piece
/// by the prepend scheme; with `split`, the piece is cut before each replacement character.
package struct MetaspacePreTokenizer: PreTokenizerComponent {
    package var replacement: UInt32
    package var prependScheme: PrependScheme
    package var splitPieces: Bool

    package func split(_ piece: AlignedText, into out: inout [AlignedText]) {
        var text = piece
        let replacementString = String(Character(Unicode.Scalar(replacement) ?? "\u{2581}"))
        text.replace(matches: text.characterMatches { $0 == 0x20 }, with: replacementString)
        let startsWithReplacement = text.bytes.starts(with: Array(replacementString.utf8))
        switch prependScheme {
        case .always: if !startsWithReplacement { text.prepend(replacementString) }
        case .first:
            if !startsWithReplacement && text.originalRange(0..<text.bytes.count).lowerBound == 0 { text.prepend(replacementString) }
        case .never: break
        }
        if splitPieces {
            text.split(matches: text.characterMatches { $0 == replacement }, behavior: .mergedWithNext, into: &out)
        } else if !text.isEmpty {
            out.append(text)
        }
    }

    package var json: String {
        "{\"type\": \"Metaspace\", \"replacement\": \(JSONText.string(String(Character(Unicode.Scalar(replacement) ?? "\u{2581}")))), \"prepend_scheme\": \"\(prependScheme.rawValue)\", \"split\": \(splitPieces)}"
    }
}
