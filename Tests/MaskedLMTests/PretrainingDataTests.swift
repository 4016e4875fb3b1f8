import MaskedLM
import Testing
import Tokenization

/// `PretrainingData`, the data setup `train-mlm` and the pipeline share: the same pairs, batches
/// and held-out masks as its parts (``PairBuilder``, ``TokenMasker``, ``MaskedLMBatcher``) give
/// when called one by one, and its errors.
@Suite struct PretrainingDataTests {
    static let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (0..<200).map { "w\($0)" }

    /// Synthetic documents folded into the 200 ordinary ids.
    static func documents(count: Int, seed: UInt64) -> [[[Int32]]] {
        PairBuilderTests.documents(count: count, seed: seed).0.map { $0.map { $0.map { 5 + ($0 % 200) } } }
    }

    static func parts() throws -> (Tokenizer, SpecialTokenIDs, TokenMasker) {
        let tokenizer = try TestSupport.tokenizer(tokens)
        let specials = try SpecialTokenIDs(tokenizer: tokenizer)
        let masker = try TokenMasker(tokenizer: tokenizer, options: MaskingOptions(probability: 0.2, wholeWord: false))
        return (tokenizer, specials, masker)
    }

    @Test func aHeldOutTailIsTheLastPairsAndItsMasksUseTheNextSeed() throws {
        let (tokenizer, specials, masker) = try Self.parts()
        let docs = Self.documents(count: 40, seed: 3)
        let options = PretrainingDataOptions(maxLength: 32, maskProbability: 0.2, batchSize: 4, seed: 7)
        let data = try PretrainingData(documents: docs, heldOut: .tailOfPairs(fraction: 0.1), tokenizer: tokenizer, options: options)
        let (pairs, report) = try PairBuilder(options: PairBuildingOptions(maxLength: 32, seed: 7), specials: specials).build(docs)
        let cut = pairs.count - Int(Double(pairs.count) * 0.1)
        #expect(data.report == report)
        #expect(data.batcher.pairs == Array(pairs[..<cut]) && data.heldOutPairs == Array(pairs[cut...]))
        let batcher = try MaskedLMBatcher(pairs: Array(pairs[..<cut]), masker: masker, batchSize: 4, time: 32, seed: 7)
        for step in [0, 1, 17] { #expect(data.batcher.batch(step: step) == batcher.batch(step: step), "step \(step)") }
        let held = MaskedLMBatcher.evaluationBatches(pairs: Array(pairs[cut...]), masker: masker, batchSize: 4, time: 32, seed: 8)
        #expect(data.validation == held)
    }

    @Test func heldOutDocumentsGiveTheSameBatchesWithoutTheTrainingText() throws {
        let (tokenizer, _, _) = try Self.parts()
        let options = PretrainingDataOptions(maxLength: 32, maskProbability: 0.2, batchSize: 4, seed: 7)
        let heldDocs = Self.documents(count: 12, seed: 5)
        let data = try PretrainingData(
            documents: Self.documents(count: 40, seed: 3), heldOut: .documents(heldDocs), tokenizer: tokenizer, options: options)
        let alone = try PretrainingData.heldOutBatches(documents: heldDocs, tokenizer: tokenizer, options: options)
        #expect(data.heldOutPairs == alone.pairs && data.validation == alone.batches)
        #expect(data.heldOutPairs.allSatisfy { !$0.isRandomNext })
        // The sample for evaluations during training: every k-th pair, at most the batches asked for.
        let sample = data.heldOutSample(batches: 2)
        let n = data.heldOutPairs.count
        try #require(n > 8, "\(n) held-out pairs")
        #expect(sample.count == 2 && sample.map(\.batch) == [4, 4])
        let expected = (0..<8).map { data.heldOutPairs[$0 * n / 8] }
        let rebuilt = MaskedLMBatcher.evaluationBatches(pairs: expected, masker: data.masker, batchSize: 4, time: 32, seed: 8)
        #expect(sample == rebuilt)
        #expect(data.heldOutSample(batches: 1000) == data.validation)
    }

    @Test func missingSpecialTokensAndEmptyParts() throws {
        let options = PretrainingDataOptions(maxLength: 32, batchSize: 4, seed: 1)
        let noMask = try TestSupport.tokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "b"])
        #expect(throws: MaskedLMError.missingSpecialToken(source: "v.json", token: "[MASK]")) {
            try PretrainingData(documents: Self.documents(count: 4, seed: 1), heldOut: .tailOfPairs(fraction: 0.5), tokenizer: noMask, options: options, source: "v.json")
        }
        let (tokenizer, _, _) = try Self.parts()
        #expect(throws: MaskedLMError.noPairs(source: "held-out text")) {
            try PretrainingData(documents: Self.documents(count: 10, seed: 1), heldOut: .documents([]), tokenizer: tokenizer, options: options)
        }
        let tooFew = #expect(throws: MaskedLMError.self) {
            try PretrainingData(documents: [[[5, 6, 7]]], heldOut: .tailOfPairs(fraction: 0.05), tokenizer: tokenizer, options: options)
        }
        #expect(tooFew.map { $0.description.contains("too few to hold out") } == true)
    }
}
