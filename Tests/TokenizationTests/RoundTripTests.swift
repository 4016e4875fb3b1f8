import Foundation
import TestFixtures
import Testing
import TextNormalization
import Tokenization

/// decode(encode(x)) == x for byte-level models.
@Suite struct RoundTripTests {
    /// The corpora of the package itself: English, Korean and Chinese.
    static func corpusFiles() -> [String] {
        var files = TestData.englishCorpora
        for dir in ["ko", "zh"] {
            let path = TestData.root + "/Corpora/" + dir
            files += ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
        }
        return files
    }

    /// Encodes and decodes every line of `files` with GPT-2; returns (lines, failures).
    static func roundTripLines(of files: [String]) throws -> (lines: Int, failures: Int) {
        let tokenizer = try Tokenizer.load(fromFile: TestData.gpt2)
        let session = TokenizerSession(tokenizer)
        var lines = 0, failures = 0
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            for (number, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                let bytes = [UInt8](line)
                var ids: [UInt32] = []
                bytes.withUnsafeBufferPointer { session.encode(bytes: $0, ids: &ids) }
                if tokenizer.decodeBytes(ids) != bytes {
                    failures += 1
                    if failures < 4 {
                        Issue.record(
                            "\(file):\(number + 1) does not round-trip: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                    }
                }
                lines += 1
            }
        }
        return (lines, failures)
    }

    @Test func everyLineOfEveryCorpusRoundTripsThroughGPT2() throws {
        let files = Self.corpusFiles()
        #expect(files.count == 7)
        let (lines, failures) = try Self.roundTripLines(of: files)
        #expect(lines > 20_000)
        #expect(failures == 0)
    }

    /// The bigger corpora of ../shared/data too (developer machines and CI).
    @Test(.enabled(if: TestFixtures.hasSharedData, "needs ../shared/data beside the package (absent in a plain clone)"))
    func everyLineOfTheSharedCorporaRoundTripsThroughGPT2() throws {
        let files = ["en", "ko", "cjk"].flatMap { TestFixtures.sharedFiles(in: $0) }
        #expect(files.count >= 7)
        let (lines, failures) = try Self.roundTripLines(of: files)
        #expect(lines > 100_000)
        #expect(failures == 0)
    }

    @Test func wholeFilesRoundTripThroughAParallelTokenStream() throws {
        let tokenizer = try Tokenizer.load(fromFile: TestData.gpt2)
        var encoder = CorpusEncoder(tokenizer: tokenizer, threads: 2)
        encoder.chunkBytes = 1 << 16  // many chunks, so cuts are exercised
        for file in TestData.englishCorpora + [TestData.root + "/Corpora/ko/kobill_all.txt"] {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
            let ids = try encoder.encodeStream(paths: [file])
            #expect(tokenizer.decodeBytes(ids) == bytes)
            // Chunked, parallel encoding gives the ids of one pass over the whole text.
            var whole: [UInt32] = []
            bytes.withUnsafeBufferPointer { TokenizerSession(tokenizer).encode($0, addSpecialTokens: false, ids: &whole) }
            #expect(ids == whole)
        }
    }

    @Test func randomBytesRoundTripIncludingInvalidUTF8() throws {
        let corpus = TestData.englishCorpora
        let recipe = try TokenizerRecipe(model: "byte-bpe")
        let trained = try recipe.train(recipe.counter(threads: 1).count(paths: corpus), vocabularySize: 1000)
        let gpt2 = try Tokenizer.load(fromFile: TestData.gpt2)
        var rng = SeededRandom(seed: 0x7E55_E2A0)
        for tokenizer in [trained, gpt2] {
            let session = TokenizerSession(tokenizer)
            var invalidSeen = 0
            for _ in 0..<2_000 {
                let n = Int.random(in: 0..<64, using: &rng)
                let bytes = (0..<n).map { _ in
                    Bool.random(using: &rng) ? UInt8.random(in: 0x20..<0x7F, using: &rng) : UInt8.random(in: 0...255, using: &rng)
                }
                if bytes.withUnsafeBufferPointer({ UTF8Validation.firstInvalidOffset($0) }) != nil { invalidSeen += 1 }
                var ids: [UInt32] = []
                bytes.withUnsafeBufferPointer { session.encode(bytes: $0, ids: &ids) }
                #expect(tokenizer.decodeBytes(ids) == bytes, "seed \(rng.seed), bytes \(bytes)")
            }
            #expect(invalidSeen > 1_000)
        }
    }

    @Test func addedTokensAreNeverSplitAndDecodeBack() throws {
        let recipe = try TokenizerRecipe(model: "byte-bpe", specialTokens: "<|endoftext|>,<pad>")
        let tokenizer = try recipe.train(recipe.counter(threads: 1).count(paths: TestData.englishCorpora), vocabularySize: 800)
        let eot = try #require(tokenizer.endOfTextID)
        let text = "first document<|endoftext|>second<pad><|endoftext|>"
        let ids = tokenizer.encode(text)
        #expect(ids.filter { $0 == eot }.count == 2)
        #expect(ids.contains(tokenizer.id(for: "<pad>")!))
        #expect(tokenizer.decode(ids) == text)
        #expect(String(decoding: tokenizer.decodeBytes(ids, skipSpecialTokens: true), as: UTF8.self) == "first documentsecond")
    }
}
