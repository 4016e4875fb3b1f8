/// How a SentencePiece `.model` encodes, exactly as the `sentencepiece` library does: its own
/// normalizer over the whole input, then its Unigram lattice or BPE merges over the normalized
/// text. The text is cut before each `▁` that follows another character when no piece spans
/// such a cut, so each part is encoded (and cached) alone. For BPE that gives the same result.
/// A Unigram lattice sums path scores in `float` along the whole text, so where two paths of a
/// part score within `float` rounding of each other the winner depends on the score so far:
/// parts are encoded in `double` with the smallest score gap they compared, and a text where a
/// gap is within the rounding bound is encoded again whole in `float`. A Unigram part is also
/// cut around each run of characters no piece contains (``cutsAtUncovered``): every such
/// character is an unknown piece of its own, so the run's tokens need no search. A Unigram part
/// not yet cached is cut further between two ASCII characters that no piece spans
/// (``UnigramModel/asciiPairCuts``), so `▁said,` is searched as `▁said` and `,`, each cached.
package struct SentencePieceCodec: Sendable {
    /// The segmentation model.
    package enum Model: Sendable {
        case unigram(UnigramModel)
        case bpe(SentencePieceBPE)
    }

    let normalizer: SentencePieceNormalizer
    package let model: Model
    /// Whether the normalized text may be cut before a `▁` that follows another character.
    let cutsBeforeSpaces: Bool
    /// Whether the ids-only path also cuts each part around runs of characters no piece contains
    /// (``UnigramModel/uncoveredCharacters``): such a run is unknown pieces alone, spelled without
    /// a lookup, and the cache keeps the parts between runs. Unigram models with the cuts before
    /// spaces, whose unknown runs are one unknown id or (byte fallback with every byte piece
    /// present) their bytes, so a run split at a cut fuses back by a rule.
    let cutsAtUncovered: Bool
    /// With ``cutsAtUncovered``: one bit per code point below U+10000 (bit `cp & 63` of word
    /// `cp >> 6`), set where the character is uncovered (``UnigramModel/uncoveredCharacters``)
    /// and the normalizer copies it whatever follows: the characters whose runs the normalizer
    /// reports. Empty otherwise.
    let runCharacters: [UInt64]

    /// Whether the ids-only normalizer copies runs of printable ASCII eight bytes at a time
    /// (`eightAtATime`), and whether some of those bytes are copied only when an ASCII byte follows them
    /// (`someConditional`: a charsmap key starts with the byte and a combining mark): for tests
    /// that must reach that path.
    package var copiesPrintableASCIIRuns: (eightAtATime: Bool, someConditional: Bool) {
        (normalizer.copiesPrintableASCII, normalizer.asciiClass[0x21...0x7E].contains(2))
    }

    /// Whether the ids-only path cuts around runs of uncovered characters (``cutsAtUncovered``):
    /// for tests that must reach that path.
    package var cutsAtUncoveredCharacters: Bool { cutsAtUncovered }

    /// How many ordered pairs of ASCII characters a part not yet cached is cut between
    /// (``UnigramModel/asciiPairCuts``; 0 unless the codec cuts before spaces): for tests that
    /// must reach that path.
    package var asciiPairCutCount: Int {
        guard cutsBeforeSpaces, case .unigram(let m) = model else { return 0 }
        return m.asciiPairCuts.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    package init(normalizer: SentencePieceNormalizer, model: Model, pieces: [String], matchable: [Bool]) {
        self.normalizer = normalizer
        self.model = model
        let space: [UInt8] = [0xE2, 0x96, 0x81]
        var spans = false
        var hasSpacePiece = false
        for (id, piece) in pieces.enumerated() where matchable[id] {
            let b = Array(piece.utf8)
            if b == space { hasSpacePiece = true }
            var k = 3
            while k + 3 <= b.count && !spans {
                if b[k] == 0xE2 && b[k + 1] == 0x96 && b[k + 2] == 0x81 && !(b[k - 3] == 0xE2 && b[k - 2] == 0x96 && b[k - 1] == 0x81) {
                    spans = true
                }
                k += 1
            }
            if spans { break }
        }
        if case .unigram(let m) = model {
            // An unknown `▁` would fuse with the unknown run before it.
            cutsBeforeSpaces = !spans && hasSpacePiece && normalizer.escapeWhitespaces
            cutsAtUncovered = cutsBeforeSpaces && !m.uncoveredCharacters.isEmpty && (!m.byteFallback || !m.byteIDs.contains(.max))
            var bits = cutsAtUncovered ? m.uncoveredCharacters : []
            for cp in 0..<bits.count * 64 where normalizer.copiesCharacter[cp] != 1 { bits[cp >> 6] &= ~(1 << UInt64(cp & 63)) }
            runCharacters = bits
        } else {
            cutsBeforeSpaces = !spans && normalizer.escapeWhitespaces
            cutsAtUncovered = false
            runCharacters = []
        }
    }
}
