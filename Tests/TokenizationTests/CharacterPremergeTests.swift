import Foundation
import TestFixtures
import Testing
import Tokenization

/// ``CharacterPremerge`` (characters of byte-level words that start as their merged symbols)
/// against the plain merge run over the bytes, on random words of the characters it is for.
struct CharacterPremergeTests {
    /// The characters of the fixture lines (Hangul, kana, CJK, accented Latin, emoji …) and some
    /// ASCII, so words mix two-, three- and four-byte characters with single bytes.
    static func alphabet() throws -> [String] {
        let text = try String(contentsOfFile: TestData.fixtures + "/components/mixed_lines.txt", encoding: .utf8)
        var seen = Set<String>()
        var characters: [String] = []
        for scalar in text.unicodeScalars where !seen.contains(String(scalar)) {
            seen.insert(String(scalar))
            characters.append(String(scalar))
        }
        return characters + ["a", "e", " ", ".", "1", "'"]
    }

    @Test(arguments: ["small_llama3.tiktoken", "bytelevel_split_regex.json"])
    func premergedWordsEncodeLikeTheirBytes(file: String) throws {
        let tokenizer = try Tokenizer.load(fromFile: TestData.fixtures + "/components/" + file)
        guard case .bpe(let model) = tokenizer.model else {
            Issue.record("\(file) is not BPE")
            return
        }
        #expect(model.premergesCharacters)
        let plain = model.withoutCharacterPremerge
        #expect(!plain.premergesCharacters)
        let alphabet = try Self.alphabet()
        try #require(alphabet.count > 500)
        var numbers = SeededRandom(seed: 11)
        var scratch = BPEModel.Scratch()
        // Many of the characters merge alone (the check would mean nothing otherwise).
        let merging = alphabet.filter { $0.unicodeScalars.count == 1 && model.premerges($0.unicodeScalars.first!) }.count
        #expect(merging > 100, "\(merging) of \(alphabet.count) characters")
        var differing = 0
        for _ in 0..<20_000 {
            let word = (0..<(1 + Int(numbers.next() % 10))).map { _ in alphabet[Int(numbers.next() % UInt64(alphabet.count))] }.joined()
            var ids: [UInt32] = [], ends: [UInt32] = [], plainIDs: [UInt32] = [], plainEnds: [UInt32] = []
            var copy = word
            copy.withUTF8 { w in
                model.encodeWord(w, byteLevel: true, scratch: &scratch, ids: &ids, ends: &ends)
                plain.encodeWord(w, byteLevel: true, scratch: &scratch, ids: &plainIDs, ends: &plainEnds)
            }
            if ids != plainIDs || ends != plainEnds {
                differing += 1
                if differing <= 3 { Issue.record("\(file): \(word.debugDescription): \(ids) \(ends), from the bytes \(plainIDs) \(plainEnds)") }
            }
        }
        #expect(differing == 0)
    }
}
