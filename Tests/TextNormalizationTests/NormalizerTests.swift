import Foundation
import Testing
import TextNormalization

@Suite struct NormalizerTests {
    struct CompatLine: Decodable {
        let input: String
        let NFC: String
        let NFD: String
        let NFKC: String
        let NFKD: String
    }

    struct CompatFixture: Decodable {
        let lines: [CompatLine]
    }

    @Test func matchesPythonUnicodedataOnCompatibilityCharacters() throws {
        let fixture = try JSONDecoder().decode(CompatFixture.self, from: try FixturePaths.data("nfkc_lines.json"))
        #expect(fixture.lines.count >= 20)
        for line in fixture.lines {
            #expect(Normalizer(form: .nfkc).normalize(line.input) == line.NFKC, "NFKC of \(line.input)")
            #expect(Normalizer(form: .nfkd).normalize(line.input) == line.NFKD, "NFKD of \(line.input)")
            #expect(Normalizer(form: .nfc).normalize(line.input) == line.NFC, "NFC of \(line.input)")
            #expect(Normalizer(form: .nfd).normalize(line.input) == line.NFD, "NFD of \(line.input)")
        }
    }

    @Test(arguments: ["Corpora/ko/kolaw_constitution.txt", "Corpora/ko/kobill_all.txt"])
    func koreanNFDRecomposesToTheOriginalNFCBytes(path: String) throws {
        let original = try FixturePaths.packageFile(path)
        let text = String(decoding: original, as: UTF8.self)
        let decomposed = Normalizer(form: .nfd).normalize(text)
        // Every Hangul syllable became conjoining jamo, so the text really changed.
        #expect(!decomposed.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) })
        #expect(decomposed.utf8.count > original.count)
        let recomposed = Normalizer(form: .nfc).normalize(decomposed)
        #expect(Array(recomposed.utf8) == Array(original))
    }

    @Test func caseFoldingLowercasingAndAccents() {
        #expect(Normalizer(caseFold: true).normalize("Straße ΣΑΣ ﬁ") == "strasse σασ fi")
        // Lowercasing is context-free, like Hugging Face's: no final sigma, İ keeps its dot.
        #expect(Normalizer(lowercase: true).normalize("ΣΑΣ İ") == "σασ i\u{307}")
        #expect(Normalizer(stripAccents: true).normalize("Crème brûlée, Ångström") == "Creme brulee, Angstrom")
        #expect(Normalizer(form: .nfc, stripAccents: true).normalize("e\u{301}") == "e")
        #expect(Normalizer(form: .nfkc, lowercase: true).normalize("ＨＥＬＬＯ Wörld") == "hello wörld")
    }

    @Test func bertCleanUp() {
        let clean = Normalizer(clean: true)
        #expect(clean.normalize("a\u{0}b\u{FFFD}c\u{7}d\u{200B}e\tf\ng\u{A0}h\u{3000}i") == "abcde f g h i")
        #expect(Normalizer(clean: true, keepNewlines: true).normalize("a\tb\r\nc\u{1}") == "a b\r\nc")
        // ASCII-only and mixed text take different paths; both must agree on ASCII controls.
        #expect(clean.normalize("x\u{1}y\u{7F}z é\u{1}") == "xyz é")
    }

    @Test func identityLeavesBytesAlone() {
        let text = "e\u{301} ﬁ Ｈ"
        #expect(Normalizer().normalize(text) == text)
        #expect(Normalizer().isIdentity)
    }

    @Test func asciiCharacterBeforeACombiningMarkComposes() {
        // The ASCII fast path must hand the preceding letter to ICU.
        let input = String(repeating: "plain ascii ", count: 20) + "e\u{301}" + String(repeating: " more", count: 20)
        let out = Normalizer(form: .nfc).normalize(input)
        #expect(out == input.precomposedStringWithCanonicalMapping)
        #expect(out.contains("é"))
    }
}
