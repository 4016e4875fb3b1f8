import TestFixtures
import Testing
import TextNormalization

@Suite struct PreTokenizerTests {
    @Test func whitespaceSplitDropsEveryKindOfSpace() {
        let pieces = WhitespacePreTokenizer().pieces(of: " a\u{3000}bc\t\nd\u{A0} ")
        #expect(pieces.map(\.piece) == ["a", "bc", "d"])
        #expect(pieces.map(\.range) == [1..<2, 5..<7, 9..<10])
    }

    @Test func wordBoundariesFollowICU() {
        let pieces = WordBoundaryPreTokenizer().pieces(of: "Don't stop, 3.14 😀 한국어 텍스트")
        #expect(pieces.map(\.piece) == ["Don't", "stop", ",", "3.14", "😀", "한국어", "텍스트"])
        // Offsets are byte offsets into the UTF-8 input, also after astral characters.
        #expect(pieces.last?.range == 32..<41)
    }

    @Test func everyByteIsCoveredByTheGPT2Split() {
        // Pieces are contiguous and cover the input exactly, whatever the bytes.
        var rng = SeededRandom(seed: 0x5EED_0001)
        let alphabet = Array("ab AZ09'’\n\t  é한😀.,!\u{301}\u{3000}")
        for _ in 0..<500 {
            let text = String(
                (0..<Int.random(in: 0..<30, using: &rng)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
            let ranges = ByteLevelPreTokenizer().pieces(of: text).map(\.range)
            var at = 0
            for r in ranges {
                #expect(r.lowerBound == at && r.upperBound > r.lowerBound, "seed \(rng.seed), input \(text.debugDescription)")
                at = r.upperBound
            }
            #expect(at == text.utf8.count, "seed \(rng.seed), input \(text.debugDescription)")
        }
    }
}
