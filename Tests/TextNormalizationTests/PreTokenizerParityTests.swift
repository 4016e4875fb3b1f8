import Foundation
import Testing
import TextNormalization

/// Piece-for-piece, offset-for-offset parity with Hugging Face `tokenizers` (fixture written by
/// `Fixtures/make_fixtures.py` from `ByteLevel` and `BertNormalizer` + `BertPreTokenizer`).
@Suite struct PreTokenizerParityTests {
    struct Line: Decodable {
        let input: String
        let gpt2: [String]
        let gpt2_offsets: [[Int]]
        let bert_normalized: String
        let bert_spaced: String
        let bert: [String]
        let bert_offsets: [[Int]]
    }

    static let lines: [Line] = {
        guard let data = try? FixturePaths.data("pretokenize.jsonl") else { return [] }
        let decoder = JSONDecoder()
        return data.split(separator: UInt8(ascii: "\n")).dropFirst().compactMap { try? decoder.decode(Line.self, from: Data($0)) }
    }()

    @Test func fixtureHasTheLinesItShould() {
        #expect(Self.lines.count >= 2000)
    }

    @Test func gpt2ByteLevelSplitMatchesHuggingFace() {
        let preTokenizer = ByteLevelPreTokenizer()
        var mismatches = 0
        for line in Self.lines {
            let pieces = preTokenizer.pieces(of: line.input)
            let mapped = pieces.map { ByteLevelAlphabet.encode($0.piece.utf8) }
            let offsets = pieces.map { [$0.range.lowerBound, $0.range.upperBound] }
            if mapped != line.gpt2 || offsets != line.gpt2_offsets {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("input \(line.input.debugDescription)\n got \(mapped) \(offsets)\n hf  \(line.gpt2) \(line.gpt2_offsets)")
                }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(Self.lines.count) lines differ")
    }

    @Test func bertNormalizerMatchesHuggingFace() {
        let normalizer = Normalizer(lowercase: true, stripAccents: true, clean: true)
        var mismatches = 0
        for line in Self.lines where normalizer.normalize(line.input) != line.bert_normalized {
            mismatches += 1
            if mismatches <= 5 {
                Issue.record(
                    "input \(line.input.debugDescription)\n got \(normalizer.normalize(line.input).debugDescription)\n hf  \(line.bert_normalized.debugDescription)"
                )
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(Self.lines.count) lines differ")
    }

    @Test func bertPreTokenizerMatchesHuggingFace() {
        let preTokenizer = BertPreTokenizer()
        let normalizer = Normalizer(lowercase: true, stripAccents: true, clean: true)
        var mismatches = 0
        for line in Self.lines {
            // On HF's normalized text (CJK already spaced): same pieces, same offsets.
            let pieces = preTokenizer.pieces(of: line.bert_spaced)
            let offsets = pieces.map { [$0.range.lowerBound, $0.range.upperBound] }
            // On Tessera's own normalized text (CJK split by the pre-tokenizer): same pieces.
            let ours = preTokenizer.pieces(of: normalizer.normalize(line.input)).map(\.piece)
            if pieces.map(\.piece) != line.bert || offsets != line.bert_offsets || ours != line.bert {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record(
                        "input \(line.input.debugDescription)\n got \(pieces.map(\.piece)) \(offsets) / \(ours)\n hf  \(line.bert) \(line.bert_offsets)"
                    )
                }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(Self.lines.count) lines differ")
    }
}
