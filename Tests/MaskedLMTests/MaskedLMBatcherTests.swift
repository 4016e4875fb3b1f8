import MaskedLM
import TensorOps
import Testing

/// Dynamic masking in batches: padding, determinism per step, fresh masks per epoch.
@Suite struct MaskedLMBatcherTests {
    static func batcher(seed: UInt64 = 1) throws -> MaskedLMBatcher {
        let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (0..<200).map { "w\($0)" }
        let specials = SpecialTokenIDs(cls: 2, sep: 3, mask: 4, pad: 0, unknown: 1)
        let (docs, _) = PairBuilderTests.documents(count: 40, seed: 3)
        // Ids of the synthetic documents run past the vocabulary: fold them into it.
        let folded = docs.map { $0.map { $0.map { 5 + ($0 % 200) } } }
        let (pairs, _) = try PairBuilder(options: PairBuildingOptions(maxLength: 32, seed: 1), specials: specials).build(folded)
        let masker = try TokenMasker(tokens: tokens, specials: specials, options: MaskingOptions())
        return try MaskedLMBatcher(pairs: pairs, masker: masker, batchSize: 4, time: 32, seed: seed)
    }

    @Test func paddingIsNeverPredicted() throws {
        let b = try Self.batcher()
        for step in 0..<20 {
            let batch = b.batch(step: step)
            #expect(
                batch.inputs.count == 4 * 32 && batch.labels.count == 4 * 32 && batch.segments.count == 4 * 32 && batch.lengths.count == 4)
            for r in 0..<4 {
                for t in batch.lengths[r]..<32 {
                    #expect(
                        batch.inputs[r * 32 + t] == 0 && batch.labels[r * 32 + t] == MaskedSequence.ignoreLabel,
                        "step \(step) row \(r) t \(t)")
                }
                #expect(batch.inputs[r * 32] == 2, "step \(step) row \(r) starts with [CLS]")
            }
            #expect(batch.maskedCount > 0)
        }
    }

    @Test func aStepIsTheSameBatchWheneverItIsAskedFor() throws {
        let b = try Self.batcher()
        let later = (0..<30).map { b.batch(step: $0) }
        #expect(b.batch(step: 17) == later[17])
        #expect(try Self.batcher(seed: 2).batch(step: 17) != later[17])
    }

    @Test func eachEpochVisitsEveryPairOnceWithNewMasks() throws {
        let b = try Self.batcher()
        let n = b.pairs.count
        #expect(Set(b.order(epoch: 0)) == Set(0..<n) && b.order(epoch: 0).count == n)
        #expect(b.order(epoch: 0) != b.order(epoch: 1))
    }
}
