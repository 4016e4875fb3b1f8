import Testing
import TextNormalization

@Suite struct ByteLevelAlphabetTests {
    @Test func mapsEveryByteToADistinctPrintableCharacterAndBack() throws {
        let all = (0...255).map { UInt8($0) }
        let encoded = ByteLevelAlphabet.encode(all)
        #expect(Set(encoded.unicodeScalars).count == 256)
        #expect(encoded.unicodeScalars.allSatisfy { !$0.properties.isWhitespace && $0.value > 0x20 })
        #expect(ByteLevelAlphabet.decode(encoded) == all)
    }

    @Test func knownCharacters() {
        #expect(ByteLevelAlphabet.encode(Array(" \n".utf8)) == "ĠĊ")
        #expect(ByteLevelAlphabet.encode(Array("é".utf8)) == "Ã©")
        #expect(ByteLevelAlphabet.decode("not in alphabet: Ā\u{3000}") == nil)
    }
}
