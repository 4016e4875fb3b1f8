import Foundation
import Testing
import Tokenization

/// Ids and offsets against Hugging Face `tokenizers` (expected values written by Fixtures/make_fixtures.py).
@Suite struct HuggingFaceParityTests {
    @Test func gpt2VocabularyMatchesHuggingFaceIdsAndOffsets() throws {
        let tokenizer = try Tokenizer.load(fromFile: TestData.gpt2)
        let lines = try TestData.lines(TestData.fixtures + "/sample_lines.txt")
        let expected = try TestData.expected("gpt2_expected.txt")
        try #require(lines.count == expected.count && lines.count >= 5_000)
        let session = TokenizerSession(tokenizer)
        var idMismatches = 0, offsetMismatches = 0
        for (line, want) in zip(lines, expected) {
            let (ids, offsets) = TestData.encode(session, line)
            if ids != want.ids {
                idMismatches += 1; if idMismatches < 4 { Issue.record("ids differ for \(line.debugDescription): \(ids) vs \(want.ids)") }
            }
            if offsets != want.offsets {
                offsetMismatches += 1; if offsetMismatches < 4 { Issue.record("offsets differ for \(line.debugDescription)") }
            }
        }
        #expect(idMismatches == 0)
        #expect(offsetMismatches == 0)
    }

    @Test func byteLevelTrimOffsetsMatchesHuggingFace() throws {
        var tokenizer = try Tokenizer.load(fromFile: TestData.gpt2)
        tokenizer.preTokenization = .byteLevel(trimOffsets: true, trimKeepsPrefixSpace: true)  // HF's processors.ByteLevel(trim_offsets=True)
        let lines = try TestData.lines(TestData.fixtures + "/sample_lines.txt")
        let expected = try TestData.expected("gpt2_trim_expected.txt")
        try #require(expected.count == 1_000 && lines.count >= expected.count)
        let session = TokenizerSession(tokenizer)
        var mismatches = 0
        for (line, want) in zip(lines.prefix(expected.count), expected) where TestData.encode(session, line) != (want.ids, want.offsets) {
            mismatches += 1
        }
        #expect(mismatches == 0)
    }

    @Test func byteLevelAddPrefixSpaceMatchesHuggingFace() throws {
        let gpt2 = try Tokenizer.load(fromFile: TestData.gpt2)
        let eot = try #require(gpt2.model.vocabulary.id(for: "<|endoftext|>"))
        let tokenizer = Tokenizer(
            preTokenization: .byteLevel(trimOffsets: false, addPrefixSpace: true), model: gpt2.model,
            decoder: .byteLevel, addedTokens: [AddedToken(id: eot, content: "<|endoftext|>")])
        let sample = try TestData.lines(TestData.fixtures + "/sample_lines.txt")
        let lines = Array(sample.prefix(1_000)) + sample.prefix(50).map { $0 + "<|endoftext|>" + $0 }
        let expected = try TestData.expected("gpt2_prefix_expected.txt")
        try #require(expected.count == lines.count)
        let session = TokenizerSession(tokenizer)
        var mismatches = 0
        for (line, want) in zip(lines, expected) {
            var idsOnly: [UInt32] = []
            var copy = line
            copy.withUTF8 { session.encode($0, addSpecialTokens: false, ids: &idsOnly) }
            if TestData.encode(session, line) != (want.ids, want.offsets) || idsOnly != want.ids {
                mismatches += 1
                if mismatches < 3 { Issue.record("\(line.debugDescription): \(TestData.encode(session, line)) vs \(want)") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func addedTokensTakeTheWhitespaceAroundThemAsHuggingFace() throws {
        let gpt2 = try Tokenizer.load(fromFile: TestData.gpt2)
        let tokenizer = Tokenizer(
            preTokenization: .byteLevel(trimOffsets: false), model: gpt2.model, decoder: .byteLevel,
            addedTokens: [
                AddedToken(id: 50257, content: "<mask>", leftStrip: true),
                AddedToken(id: 50258, content: "[R]", rightStrip: true),
            ])
        let lines = try TestData.lines(TestData.fixtures + "/strip_lines.txt")
        let expected = try TestData.expected("strip_expected.txt")
        try #require(lines.count == expected.count && lines.count == 300)
        #expect(lines.filter { $0.contains("<mask>") }.count > 100)
        let session = TokenizerSession(tokenizer)
        var mismatches = 0
        for (line, want) in zip(lines, expected) where TestData.encode(session, line) != (want.ids, want.offsets) {
            mismatches += 1
            if mismatches < 3 { Issue.record("\(line.debugDescription): \(TestData.encode(session, line)) vs \(want)") }
        }
        #expect(mismatches == 0)
    }

    @Test func bertUncasedTokenizerJSONMatchesHuggingFaceIdsAndOffsets() throws {
        let tokenizer = try Tokenizer.load(fromFile: TestData.miniLM)
        let lines = try TestData.lines(TestData.fixtures + "/sample_lines.txt")
        let expected = try TestData.expected("bert_expected.txt")
        try #require(lines.count == expected.count)
        let session = TokenizerSession(tokenizer)
        var idMismatches = 0, offsetMismatches = 0
        for (line, want) in zip(lines, expected) {
            let (ids, offsets) = TestData.encode(session, line)
            if ids != want.ids {
                idMismatches += 1; if idMismatches < 4 { Issue.record("ids differ for \(line.debugDescription): \(ids) vs \(want.ids)") }
            }
            if offsets != want.offsets {
                offsetMismatches += 1;
                if offsetMismatches < 4 { Issue.record("offsets differ for \(line.debugDescription): \(offsets) vs \(want.offsets)") }
            }
        }
        #expect(idMismatches == 0)
        #expect(offsetMismatches == 0)
        // Ids alone take a faster path (whole-text normalization, no alignment): same ids.
        var fastMismatches = 0
        for (line, want) in zip(lines, expected) {
            var ids: [UInt32] = []
            var copy = line
            copy.withUTF8 { session.encode($0, addSpecialTokens: false, ids: &ids) }
            if ids != want.ids { fastMismatches += 1 }
        }
        #expect(fastMismatches == 0)
        // With the post-processor's [CLS] … [SEP].
        let special = try TestData.expected("bert_special_expected.txt")
        try #require(special.count > 0 && lines.count >= special.count)
        for (line, want) in zip(lines.prefix(special.count), special) {
            #expect(TestData.encode(session, line, addSpecial: true).0 == want.ids)
        }
    }

    @Test func bertVocabTxtGivesTheSameIdsAsItsTokenizerJSON() throws {
        let tokenizer = try Tokenizer.load(fromFile: TestData.bertVocab)
        let lines = try TestData.lines(TestData.fixtures + "/sample_lines.txt")
        let expected = try TestData.expected("bert_expected.txt")
        try #require(lines.count == expected.count)
        let session = TokenizerSession(tokenizer)
        var mismatches = 0
        for (line, want) in zip(lines, expected) where TestData.encode(session, line).0 != want.ids { mismatches += 1 }
        #expect(mismatches == 0)
    }

    @Test(arguments: ["en-byte-bpe-8k", "en-wordpiece-uncased-8k"])
    func tokenizerJSONWrittenByTesseraEncodesInHuggingFaceAsInTessera(name: String) throws {
        // Fixtures/make_fixtures.py loaded Vocab/NAME.json (written by tessera train-tokenizer) in HF.
        let tokenizer = try Tokenizer.load(fromFile: TestData.root + "/Vocab/\(name).json")
        let lines = try TestData.lines(TestData.fixtures + "/sample_lines.txt")
        let expected = try TestData.expected("vocab_\(name)_expected.txt")
        try #require(expected.count == 1_500 && lines.count >= expected.count)
        let session = TokenizerSession(tokenizer)
        var mismatches = 0
        for (line, want) in zip(lines.prefix(expected.count), expected) where TestData.encode(session, line) != (want.ids, want.offsets) {
            mismatches += 1
        }
        #expect(mismatches == 0)
    }

    @Test func tokenizerJSONSavedByTesseraReloadsWithTheSameEncodings() throws {
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = try TestData.lines(TestData.fixtures + "/sample_lines.txt")
        for source in [TestData.gpt2, TestData.miniLM] {
            let original = try Tokenizer.load(fromFile: source)
            // tokenizer.json, and the legacy file of the model's kind.
            let legacy = source.hasSuffix("encoder.json") ? dir + "/vocab.json" : dir + "/vocab.txt"
            for path in [dir + "/tokenizer.json", legacy] {
                try original.save(to: path)
                let reloaded = try Tokenizer.load(fromFile: path)
                #expect(reloaded.model.vocabulary == original.model.vocabulary)
                let a = TokenizerSession(original), b = TokenizerSession(reloaded)
                var differences = 0
                for line in lines.prefix(1_000) {
                    if TestData.encode(a, line) != TestData.encode(b, line) { differences += 1 }
                    if TestData.encode(a, line, addSpecial: true).0 != TestData.encode(b, line, addSpecial: true).0 { differences += 1 }
                }
                #expect(differences == 0, "\(path)")
            }
        }
    }
}
