import Foundation
import NeuralCore
import TensorOps
import Testing

/// The evaluation figures the CLI and the pipeline share.
@Suite struct LMEvaluationTests {
    /// A loss of ln 2 nats per token over as many bytes as tokens is one bit per byte.
    @Test func bitsPerByteConvertsNatsPerTokenToBitsPerByte() throws {
        let one = try #require(Evaluator.bitsPerByte(loss: M_LN2, tokens: 1000, bytes: 1000))
        #expect(abs(one - 1) < 1e-12)
        let quarter = try #require(Evaluator.bitsPerByte(loss: M_LN2, tokens: 1000, bytes: 4000))
        #expect(abs(quarter - 0.25) < 1e-12)
        #expect(Evaluator.bitsPerByte(loss: 3, tokens: 10, bytes: 0) == nil)
    }

    /// Training ids covering the vocabulary evenly give the uniform model: ln V for any target.
    @Test func unigramBaselineOfEvenCountsIsLogV() {
        let V = 37
        let baseline = UnigramBaseline(trainingIDs: (0..<(3 * V)).map { UInt32($0 % V) }, vocabularySize: V)
        let targets: [UInt32] = [0, 5, 36, 36, 12]
        #expect(abs(baseline.loss(targets: targets) - log(Double(V))) < 1e-12, "targets \(targets)")
    }

    /// A frequent id costs less than a rare one, and add-one smoothing keeps unseen ids finite.
    @Test func unigramBaselineFollowsFrequencies() {
        let baseline = UnigramBaseline(trainingIDs: [1, 1, 1, 1, 2], vocabularySize: 4)
        let frequent = baseline.loss(targets: [1]), rare = baseline.loss(targets: [2]), unseen = baseline.loss(targets: [3])
        #expect(frequent < rare && rare < unseen && unseen.isFinite, "\(frequent) \(rare) \(unseen)")
    }

    /// Attention maps are the probability buffer re-shaped: row i of head h sums to one over the keys it sees.
    @Test func attentionMapReadsTheProbabilities() {
        let B = 2, T = 5, C = 4, NH = 2
        var rng = SeededGenerator(seed: 60)
        let qkv = (0..<(B * T * 3 * C)).map { _ in rng.nextNormal() }
        var out = [Float](repeating: 0, count: B * T * C), att = [Float](repeating: 0, count: B * NH * T * T)
        Attention.forward(out: &out, att: &att, qkv: qkv, batch: B, time: T, dim: C, heads: NH, threads: 1)
        let maps = att.withUnsafeBufferPointer { AttentionMap.heads($0.baseAddress!, sequence: 1, heads: NH, queryTime: T, keyTime: T) }
        #expect(maps.count == NH && maps.allSatisfy { $0.count == T && $0.allSatisfy { $0.count == T } })
        for h in 0..<NH {
            for i in 0..<T {
                #expect(abs(maps[h][i].reduce(0, +) - 1) < 1e-5)
                #expect(maps[h][i][(i + 1)...].allSatisfy { $0 == 0 }, "head \(h) row \(i) attends ahead: \(maps[h][i])")
                #expect(maps[h][i][0] == Double(att[((1 * NH + h) * T + i) * T]))
            }
        }
    }
}
