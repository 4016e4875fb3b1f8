import ArtifactIO
import Foundation
import NeuralCore
import TensorOps
import Testing
import Tokenization
import TransformerLM

/// A shard read memory-mapped gives the batches, slices and evaluation of the same ids in memory.
@Suite struct MappedTokenStreamTests {
    @Test func mappedShardBatchesAndEvaluatesLikeTheIdsInMemory() throws {
        let dir = NSTemporaryDirectory() + "tessera-lm-mapped-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let seed: UInt64 = 11
        var rng = SeededGenerator(seed: seed)
        let ids: [UInt32] = (0..<1_000).map { _ in UInt32(rng.next() % 32) }
        try TokenShard.write(ids, vocabularySize: 32, to: dir + "/t.bin")
        let memory = try TokenStream(ids: ids, vocabularySize: 32, source: "memory")
        let mapped = try TokenStream.read(dir + "/t.bin", vocabularySize: 32)
        #expect(mapped.count == memory.count)
        #expect(mapped.ids == memory.ids, "seed \(seed)")
        var a = 0, b = 0
        for _ in 0..<40 {  // wraps around the end several times
            let x = memory.batch(at: a, batch: 3, time: 16), y = mapped.batch(at: b, batch: 3, time: 16)
            #expect(x.inputs == y.inputs && x.targets == y.targets && x.next == y.next)
            a = x.next; b = y.next
        }
        #expect(mapped.slice(900..<1_000, source: "tail").ids == memory.slice(900..<1_000, source: "tail").ids)

        let model = try TransformerModel(config: ModelConfig(vocabSize: 32, contextLength: 16, layers: 1, heads: 2, dim: 16, ffnDim: 32))
        model.initialize(seed: 3)
        let e1 = try Evaluator.evaluate(model, stream: memory, batch: 4)
        let e2 = try Evaluator.evaluate(model, stream: mapped, batch: 4)
        #expect(e1.loss == e2.loss && e1.tokens == e2.tokens)

        // An id past the vocabulary is found in the mapped shard too.
        #expect(throws: ModelError.self) { try TokenStream.read(dir + "/t.bin", vocabularySize: 20) }
    }
}
