import Foundation
import TestFixtures
import Testing
import Tokenization

/// The lookup structures of the encoders, against brute force: the Bloom filter that skips
/// table lookups, and the trie that finds added tokens.
struct LookupStructureTests {
    @Test(arguments: [0, 1, 47, 48, 49, 5_000, 60_000])
    func keyFilterKeepsEveryKeyAndRejectsMostOthers(count: Int) {
        var rng = SeededRandom(seed: UInt64(count))
        // Pair-shaped keys (two 17-bit ids), as the merge filter sees them, and full 64-bit ones.
        let pairs = (0..<count).map { _ in UInt64(rng.next() % 131_072) << 32 | rng.next() % 131_072 }
        let hashes = (0..<count).map { _ in rng.next() }
        for keys in [pairs, hashes] {
            let filter = KeyFilter(keys: keys)
            let missing = keys.filter { !filter.mayContain($0) }
            #expect(missing.isEmpty, "\(missing.count) of \(keys.count) keys reported absent")
            let stored = Set(keys)
            let others = (0..<20_000).map { _ in keys == pairs ? rng.next() % 131_072 << 32 | rng.next() % 131_072 : rng.next() }
                .filter { !stored.contains($0) }
            let passed = others.filter { filter.mayContain($0) }.count
            // 8 bits per key: about 2%; none at all when nothing was stored.
            #expect(others.count > 19_000)
            if count == 0 { #expect(passed == 0) } else { #expect(Double(passed) / Double(others.count) < 0.05, "\(passed) of \(others.count)") }
        }
    }

    @Test func addedTokensMatchTheLongestContentAtEachPlace() {
        let contents = ["<|", "<|a|>", "<|a|>b", "<|ab", "x", "ab>", "<", "|a|", "b<|a|>x"]
        let tokens = contents.enumerated().map { (Array($0.element.utf8), AddedToken(id: UInt32(100 + $0.offset), content: $0.element)) }
        let matcher = AddedTokenMatcher(tokens)
        /// Brute force: every content that starts at `i`, the longest.
        func expected(_ text: [UInt8], _ i: Int) -> (Int, UInt32)? {
            tokens.filter { $0.0.count <= text.count - i && Array(text[i..<(i + $0.0.count)]) == $0.0 }
                .max { $0.0.count < $1.0.count }.map { ($0.0.count, $0.1.id) }
        }
        var rng = SeededRandom(seed: 7)
        let alphabet = Array("<|ab>x ".utf8)
        var compared = 0
        var matched = 0
        for _ in 0..<400 {
            let text = (0..<Int(rng.next() % 24)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            text.withUnsafeBufferPointer { b in
                for i in 0..<text.count {
                    let found = matcher.longestMatch(b.baseAddress!, at: i, text.count).map { ($0.0, $0.1.id) }
                    let want = expected(text, i)
                    #expect(found?.0 == want?.0 && found?.1 == want?.1, "at \(i) of \(String(decoding: text, as: UTF8.self))")
                    compared += 1
                    if want != nil { matched += 1 }
                }
            }
        }
        // The random texts reach both outcomes often.
        #expect(compared > 3_000 && matched > 500 && compared - matched > 500)
    }
}
