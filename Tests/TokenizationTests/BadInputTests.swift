import Foundation
import Testing
import TextNormalization
import Tokenization

/// Bad files and options give one clear error each, and nothing is written.
@Suite struct BadInputTests {
    static func write(_ text: String, _ name: String, in dir: String) throws -> String {
        let path = dir + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return "\(error)" }
    }

    @Test func corruptAndTruncatedTokenizerJSON() throws {
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = try String(contentsOfFile: TestData.miniLM, encoding: .utf8)
        let truncated = try Self.write(String(good.prefix(good.count / 2)), "truncated.json", in: dir)
        let m1 = Self.message { _ = try Tokenizer.load(fromFile: truncated) }
        #expect(m1?.contains("truncated.json: not valid JSON at byte offset ") == true)
        #expect(m1?.hasSuffix("(the file ends early: truncated?)") == true)
        let corrupt = try Self.write(
            "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b\"]}}", "corrupt.json", in: dir)
        let m2 = Self.message { _ = try Tokenizer.load(fromFile: corrupt) }
        #expect(m2 == "\(corrupt): merge 1 names \"b\", which is not in the vocabulary")
        let unsupported = try Self.write(
            good.replacingOccurrences(of: "\"BertPreTokenizer\"", with: "\"Metaspacer\""), "unsupported.json", in: dir)
        let m3 = Self.message { _ = try Tokenizer.load(fromFile: unsupported) }
        #expect(m3 == "\(unsupported): pre_tokenizer: unknown pre_tokenizer type \"Metaspacer\"")
        let unigram = try Self.write("{\"model\": {\"type\": \"Unigram\", \"vocab\": [[\"a\", \"x\"]]}}", "unigram.json", in: dir)
        let m4 = Self.message { _ = try Tokenizer.load(fromFile: unigram) }
        #expect(m4 == "\(unigram): model.vocab[0]: expected [piece, score]")
    }

    @Test func duplicateTokensAndUnknownMergeTokens() throws {
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let vocabTxt = try Self.write("[UNK]\nhello\n##s\nhello\n", "vocab.txt", in: dir)
        let m1 = Self.message { _ = try Tokenizer.load(fromFile: vocabTxt) }
        #expect(m1 == "\(vocabTxt): duplicate token \"hello\" at id 3 (already id 1); each token must appear once")
        let vocabJSON = try Self.write("{\"a\": 0, \"b\": 1, \"ab\": 2}", "vocab.json", in: dir)
        _ = try Self.write("#version: 0.2\na b\nab c\n", "merges.txt", in: dir)
        let m2 = Self.message { _ = try Tokenizer.load(fromFile: vocabJSON) }
        #expect(m2 == "\(dir)/merges.txt: merge 2 names \"c\", which is not in the vocabulary")
        let dupJSON = try Self.write(
            "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0, \"a\": 1, \"a\": 2}}}", "dup.json", in: dir)
        let m4 = Self.message { _ = try Tokenizer.load(fromFile: dupJSON) }
        #expect(m4 == "\(dupJSON): duplicate token \"a\" at id 2 (already id 1); each token must appear once")
        let gap = try Self.write("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0, \"a\": 2}}}", "gap.json", in: dir)
        let m3 = Self.message { _ = try Tokenizer.load(fromFile: gap) }
        #expect(m3?.contains("gap.json: token \"a\" has id 2") == true)
    }

    @Test func vocabularySmallerThanTheAlphabetEmptyCorpusAndInvalidUTF8() throws {
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let recipe = try TokenizerRecipe(model: "byte-bpe")
        let counts = try recipe.counter(threads: 1).count(paths: [TestData.root + "/Corpora/en/alice29.txt"])
        let m1 = Self.message { _ = try recipe.train(counts, vocabularySize: 200) }
        #expect(m1?.hasPrefix("vocabularySize 200 is smaller than the 256-character alphabet plus 1 special tokens (257)") == true)
        let empty = try Self.write("", "empty.txt", in: dir)
        let blank = try Self.write("\n\n", "blank.txt", in: dir)
        let wp = try TokenizerRecipe(model: "wordpiece")
        let m2 = Self.message { _ = try wp.counter(threads: 1).count(paths: [empty, blank]) }
        #expect(m2 == "\(empty), \(blank): no words to train on (empty corpus)")
        let bad = dir + "/bad.txt"
        try Data([0x68, 0x69, 0x0A, 0x61, 0xC3, 0x28, 0x0A]).write(to: URL(fileURLWithPath: bad))
        let m3 = Self.message { _ = try recipe.counter(threads: 2).count(paths: [bad]) }
        #expect(m3 == "\(bad): invalid UTF-8 at byte offset 4 (reading with replaceInvalid substitutes U+FFFD)")
        let m4 = Self.message { _ = try CorpusEncoder(tokenizer: recipe.train(counts, vocabularySize: 300)).encodeStream(paths: [bad]) }
        #expect(m4 == "\(bad): invalid UTF-8 at byte offset 4 (reading with replaceInvalid substitutes U+FFFD)")
    }

    @Test func badRecipeOptions() {
        #expect(
            Self.message { _ = try TokenizerRecipe(model: "sentencepiece") }
                == "model sentencepiece: expected byte-bpe, bpe, wordpiece or unigram")
        #expect(
            Self.message { _ = try TokenizerRecipe(model: "byte-bpe", preTokenizer: "bert") } == "model byte-bpe needs preTokenizer gpt2")
        #expect(
            Self.message { _ = try TokenizerRecipe(model: "wordpiece", specialTokens: "[CLS]") }
                == "specialTokens: wordpiece needs [UNK] among the special tokens")
        #expect(
            Self.message { _ = try TokenizerRecipe(model: "bpe", normalize: "nfx") }
                == "normalize nfx: expected nfkc, nfc, nfd, nfkd or none")
    }
}
