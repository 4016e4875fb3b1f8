import EncoderDecoder
import Foundation
import Testing

/// Reading parallel text, the deterministic split, the joint vocabulary and length batching.
struct ParallelDataTests {
    @Test func readsJSONLWithNamedFields() throws {
        let corpus = try ParallelCorpusReader.readJSONL(path: FixturePaths.path("pairs.jsonl"), sourceField: "en", targetField: "ko")
        #expect(corpus.pairs.count == 40)
        #expect(corpus.skippedEmpty == 0)
        #expect(corpus.pairs[0] == ParallelPair(source: "%s failed: unknown status 0x%x", target: "%s 실패: 알 수 없는 상태 0x%x"))
        // Field names are options: reading the other way round swaps the sides.
        let swapped = try ParallelCorpusReader.readJSONL(path: FixturePaths.path("pairs.jsonl"), sourceField: "ko", targetField: "en")
        #expect(swapped.pairs[0] == ParallelPair(source: corpus.pairs[0].target, target: corpus.pairs[0].source))
    }

    @Test func malformedLineNamesFileAndLine() throws {
        let path = try FixturePaths.path("malformed.jsonl")
        #expect(throws: ParallelCorpusError.malformedJSON(file: path, line: 2)) {
            try ParallelCorpusReader.readJSONL(path: path, sourceField: "en", targetField: "ko")
        }
        #expect(ParallelCorpusError.malformedJSON(file: path, line: 2).description == "\(path):2: expected one JSON object on the line")
    }

    @Test func missingFieldNamesFileLineAndField() throws {
        let path = try FixturePaths.path("missing_field.jsonl")
        #expect(throws: ParallelCorpusError.missingField(file: path, line: 3, field: "ko")) {
            try ParallelCorpusReader.readJSONL(path: path, sourceField: "en", targetField: "ko")
        }
    }

    @Test func emptySidesAreSkippedAndCounted() throws {
        let corpus = try ParallelCorpusReader.readJSONL(path: FixturePaths.path("empty_sides.jsonl"), sourceField: "en", targetField: "ko")
        #expect(corpus.pairs == [ParallelPair(source: "Open", target: "열기"), ParallelPair(source: "Quit", target: "종료")])
        #expect(corpus.skippedEmpty == 2)
    }

    @Test func alignedFilesMustHaveTheSameLineCount() throws {
        let english = try FixturePaths.path("three.en"), korean = try FixturePaths.path("two.ko")
        #expect(throws: ParallelCorpusError.lineCountMismatch(sourceFile: english, sourceLines: 3, targetFile: korean, targetLines: 2)) {
            try ParallelCorpusReader.readAligned(sourcePath: english, targetPath: korean)
        }
        let corpus = try ParallelCorpusReader.readAligned(sourcePath: english, targetPath: FixturePaths.path("three.ko"))
        #expect(corpus.pairs.map(\.source) == ["Open", "Close", "Save"])
        #expect(corpus.pairs.map(\.target) == ["열기", "닫기", "저장"])
    }

    @Test func missingFileIsAnError() {
        #expect(throws: ParallelCorpusError.self) {
            try ParallelCorpusReader.readJSONL(path: "/nonexistent/pairs.jsonl", sourceField: "en", targetField: "ko")
        }
    }

    /// The published FNV-1a 64 test vectors (Fowler–Noll–Vo reference `test_fnv.c`).
    @Test func fnv1aMatchesPublishedVectors() {
        #expect(CorpusSplit.fnv1a(Array("".utf8)) == 0xcbf2_9ce4_8422_2325)
        #expect(CorpusSplit.fnv1a(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(CorpusSplit.fnv1a(Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
    }

    struct ExpectedSplit: Decodable {
        var hash: String
        var part: String
        var part_200_300: String
    }

    @Test func splitMatchesIndependentPythonComputation() throws {
        let corpus = try ParallelCorpusReader.readJSONL(path: FixturePaths.path("pairs.jsonl"), sourceField: "en", targetField: "ko")
        let expected = try JSONDecoder().decode(
            [ExpectedSplit].self, from: Data(contentsOf: URL(fileURLWithPath: FixturePaths.path("split_expected.json"))))
        try #require(expected.count == corpus.pairs.count)
        let split = CorpusSplit(), wide = CorpusSplit(devPerMille: 200, testPerMille: 300)
        for (pair, row) in zip(corpus.pairs, expected) {
            #expect(String(CorpusSplit.fnv1a(pair.source.utf8)) == row.hash, "\(pair.source)")
            #expect(split.part(ofSource: pair.source).rawValue == row.part, "\(pair.source)")
            #expect(wide.part(ofSource: pair.source).rawValue == row.part_200_300, "\(pair.source)")
        }
        // The parts partition the corpus, and reordering the corpus does not move a pair.
        let parts = CorpusSplit.Part.allCases.map { wide.pairs($0, of: corpus.pairs) }
        #expect(parts.map(\.count).reduce(0, +) == corpus.pairs.count)
        #expect(wide.pairs(.dev, of: corpus.pairs.reversed()) == parts[1].reversed())
    }

    static func vocabulary() throws -> TranslationVocabulary {
        let corpus = try ParallelCorpusReader.readJSONL(path: FixturePaths.path("pairs.jsonl"), sourceField: "en", targetField: "ko")
        return try TranslationVocabulary.train(pairs: corpus.pairs, vocabularySize: 400, scratchDirectory: NSTemporaryDirectory())
    }

    @Test func jointVocabularyHasSpecialTokensAndRoundTrips() throws {
        let vocabulary = try Self.vocabulary()
        #expect([vocabulary.padID, vocabulary.bosID, vocabulary.eosID] == [0, 1, 2])
        #expect(vocabulary.size == 400)
        for text in ["%s 실패: 종료 코드 %d", "Authentication failure", "literal <eos> stays text\n"] {
            let ids = vocabulary.encode(text)
            #expect(!ids.contains(vocabulary.eosID), "\(text)")
            #expect(vocabulary.decode(ids) == text)
            #expect(vocabulary.decode(ids + [vocabulary.eosID, 57, 58]) == text, "decoding stops at <eos>")
        }
    }

    @Test func paddedBatchAndTruncation() throws {
        let vocabulary = try Self.vocabulary()
        let encoder = try ExampleEncoder(vocabulary: vocabulary, maxSourceLength: 6, maxTargetLength: 5)
        let pairs = [
            ParallelPair(source: "Open", target: "열기"),
            ParallelPair(source: "Authentication information cannot be recovered", target: "인증 정보를 복구할 수 없음"),
        ]
        let (examples, report) = encoder.encode(pairs)
        #expect(report == ExampleEncoder.Report(pairs: 2, truncatedSources: 1, truncatedTargets: 1))
        #expect(examples[1].source.count == 6 && examples[1].source.last == vocabulary.eosID)
        #expect(examples[1].target.count == 4)
        let batch = TranslationBatch(examples, vocabulary: vocabulary)
        let first = examples[0]
        #expect(batch.sourceTime == 6 && batch.targetTime == 5)
        #expect(batch.sourceLengths == [first.source.count, 6])
        #expect(Array(batch.source[0..<first.source.count]) == first.source)
        #expect(batch.source[first.source.count..<6].allSatisfy { $0 == vocabulary.padID })
        #expect(batch.decoderInput[0] == vocabulary.bosID && batch.decoderInput[5] == vocabulary.bosID)
        #expect(Array(batch.decoderInput[1...first.target.count]) == first.target)
        #expect(Array(batch.labels[0..<first.target.count]) == first.target)
        #expect(batch.labels[first.target.count] == vocabulary.eosID)
        #expect(batch.labels[(first.target.count + 1)..<5].allSatisfy { $0 == TranslationBatch.ignoreIndex })
        #expect(Array(batch.labels[5..<10]) == examples[1].target + [vocabulary.eosID])
        #expect(batch.labelCount == first.target.count + 1 + 5)
    }

    @Test func lengthBatcherCoversEveryExampleOnceWithinBudget() throws {
        var rng = SystemRandomNumberGenerator()
        let seed = UInt64.random(in: 0...UInt64(UInt32.max), using: &rng)
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let examples = (0..<300).map { _ in
            TranslationExample(source: [Int32](repeating: 5, count: 1 + next(40)), target: [Int32](repeating: 6, count: next(40)))
        }
        let budget = 256
        let batcher = try LengthBatcher(examples: examples, tokenBudget: budget, seed: 3)
        #expect(batcher.batches.flatMap { $0 }.sorted() == Array(examples.indices), "seed \(seed)")
        for batch in batcher.batches where batch.count > 1 {
            let longest = batch.map { max(examples[$0].source.count, examples[$0].target.count + 1) }.max() ?? 0
            #expect(longest * batch.count <= budget, "seed \(seed)")
        }
        let order = batcher.order(epoch: 1, seed: 3)
        #expect(order.sorted() == Array(batcher.batches.indices))
        #expect(order == batcher.order(epoch: 1, seed: 3))
        #expect(order != batcher.order(epoch: 2, seed: 3))
        #expect(throws: Seq2SeqError.invalidConfig("token budget 0: expected at least 1")) {
            try LengthBatcher(examples: examples, tokenBudget: 0, seed: 3)
        }
    }
}
