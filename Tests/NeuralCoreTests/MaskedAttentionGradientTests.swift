import Foundation
import NeuralCore
import TensorOps
import Testing

/// The general attention path (separate query and key/value sequences, every kind of mask)
/// against central finite differences of a float64 forward written here. Keys and values come
/// from one packed `[B, Tk, 2C]` buffer and queries from a `[B, Tq, C]` one, so the strides differ.
@Suite struct MaskedAttentionGradientTests {
    typealias G = LayerGradientTests

    static let B = 2, Tq = 5, Tk = 7, C = 8, NH = 2

    /// float64 attention: `q` `[B, Tq, C]`, `kv` `[B, Tk, 2C]` (k | v); `visible(b, i, j)`.
    static func attention(_ q: [Double], _ kv: [Double], visible: (Int, Int, Int) -> Bool) -> [Double] {
        let hs = C / NH
        var out = [Double](repeating: 0, count: B * Tq * C)
        for b in 0..<B {
            for h in 0..<NH {
                for i in 0..<Tq {
                    let keys = (0..<Tk).filter { visible(b, i, $0) }
                    guard !keys.isEmpty else { continue }
                    let s = keys.map { j -> Double in
                        var d = 0.0
                        for x in 0..<hs { d += q[(b * Tq + i) * C + h * hs + x] * kv[(b * Tk + j) * 2 * C + h * hs + x] }
                        return d / Double(hs).squareRoot()
                    }
                    let p = G.softmax(s)
                    for x in 0..<hs {
                        var y = 0.0
                        for (n, j) in keys.enumerated() { y += p[n] * kv[(b * Tk + j) * 2 * C + C + h * hs + x] }
                        out[(b * Tq + i) * C + h * hs + x] = y
                    }
                }
            }
        }
        return out
    }

    static let keyMask: [Bool] = [true, false, true, true, false, true, true, false, true, true, true, false, true, false]

    static let cases: [(String, AttentionMask, @Sendable (Int, Int, Int) -> Bool)] = [
        ("none", .none, { _, _, _ in true }),
        ("causal", .causal, { _, i, j in j <= i }),
        ("key lengths", .keyLengths([7, 3]), { b, _, j in j < [7, 3][b] }),
        ("key mask", .keyMask(keyMask), { b, _, j in keyMask[b * Tk + j] }),
        ("causal + key lengths", AttentionMask(causal: true, keyLengths: [6, 2]), { b, i, j in j <= i && j < [6, 2][b] }),
        // sequence 1 has no keys at all: its queries output zero and pass no gradient
        ("empty sequence", .keyLengths([4, 0]), { b, _, j in j < [4, 0][b] }),
    ]

    @Test(arguments: 0..<cases.count)
    func crossAttentionWithMask(_ index: Int) throws {
        let (name, mask, visible) = Self.cases[index]
        let B = Self.B, Tq = Self.Tq, Tk = Self.Tk, C = Self.C, NH = Self.NH
        var rng = SeededGenerator(seed: 30 + UInt64(index))
        let q = G.random(B * Tq * C, &rng), kv = G.random(B * Tk * 2 * C, &rng), r = G.random(B * Tq * C, &rng)
        try mask.validate(batch: B, keyTime: Tk)
        var out = [Float](repeating: 0, count: B * Tq * C), att = [Float](repeating: 0, count: B * NH * Tq * Tk)
        var dq = [Float](repeating: .nan, count: B * Tq * C), dkv = [Float](repeating: .nan, count: B * Tk * 2 * C), scratch = att
        kv.withUnsafeBufferPointer { kvp in
            let k = kvp.baseAddress!, v = k + C
            Attention.forward(
                out: &out, att: &att, query: q, queryStride: C, key: k, keyStride: 2 * C, value: v, valueStride: 2 * C,
                batch: B, queryTime: Tq, keyTime: Tk, dim: C, heads: NH, mask: mask, threads: 1)
            dkv.withUnsafeMutableBufferPointer { dkvp in
                let dk = dkvp.baseAddress!, dv = dk + C
                Attention.backward(
                    dquery: &dq, dqueryStride: C, dkey: dk, dkeyStride: 2 * C, dvalue: dv, dvalueStride: 2 * C,
                    scratch: &scratch, dout: r, query: q, queryStride: C, key: k, keyStride: 2 * C, value: v,
                    valueStride: 2 * C, att: att, batch: B, queryTime: Tq, keyTime: Tk, dim: C, heads: NH, mask: mask,
                    threads: 2)
            }
        }
        let xs = [q, kv].map { $0.map(Double.init) }, rd = r.map(Double.init)
        let ref = Self.attention(xs[0], xs[1], visible: visible)
        let worst = zip(out, ref).map { abs(Double($0) - $1) }.max() ?? 0
        #expect(worst < 1e-5, "\(name): forward differs by \(worst)")
        // masked probabilities are exactly zero; visible ones sum to one
        for b in 0..<B {
            for h in 0..<NH {
                for i in 0..<Tq {
                    let row = att[((b * NH + h) * Tq + i) * Tk..<(((b * NH + h) * Tq + i + 1) * Tk)]
                    let seen = (0..<Tk).filter { visible(b, i, $0) }
                    #expect(
                        row.enumerated().allSatisfy { seen.contains($0.offset) || $0.element == 0 },
                        "\(name): b\(b) h\(h) q\(i) \(Array(row))")
                    #expect(abs(row.reduce(0, +) - (seen.isEmpty ? 0 : 1)) < 1e-5, "\(name): b\(b) h\(h) q\(i) sums to \(row.reduce(0, +))")
                }
            }
        }
        // every gradient entry is written (they start as NaN)
        #expect(dq.allSatisfy(\.isFinite) && dkv.allSatisfy(\.isFinite), "\(name): a gradient entry was not overwritten")
        let f: ([[Double]]) -> Double = { G.dot(rd, Self.attention($0[0], $0[1], visible: visible)) }
        G.expectClose(dq, G.numericGradient(xs, 0, f), "\(name) dquery")
        G.expectClose(dkv, G.numericGradient(xs, 1, f), "\(name) dkey|dvalue")
    }

    /// Self-attention through the general entry point with the causal mask takes the blocked fast
    /// path: the same numbers as the packed-qkv causal attention the GPT uses.
    @Test func causalSelfAttentionMatchesThePackedFastPath() {
        let B = 2, T = 40, C = 8, NH = 2
        var rng = SeededGenerator(seed: 40)
        let qkv = G.random(B * T * 3 * C, &rng), r = G.random(B * T * C, &rng)
        var out1 = [Float](repeating: 0, count: B * T * C), att1 = [Float](repeating: 0, count: B * NH * T * T)
        var out2 = out1, att2 = att1, d1 = [Float](repeating: 0, count: B * T * 3 * C), d2 = d1, s1 = att1, s2 = att1
        Attention.forward(out: &out1, att: &att1, qkv: qkv, batch: B, time: T, dim: C, heads: NH, threads: 1)
        Attention.backward(dqkv: &d1, scratch: &s1, dout: r, qkv: qkv, att: att1, batch: B, time: T, dim: C, heads: NH, threads: 1)
        qkv.withUnsafeBufferPointer { p in
            let q = p.baseAddress!
            Attention.forward(
                out: &out2, att: &att2, query: q, queryStride: 3 * C, key: q + C, keyStride: 3 * C, value: q + 2 * C,
                valueStride: 3 * C, batch: B, queryTime: T, keyTime: T, dim: C, heads: NH, mask: .causal, threads: 1)
            d2.withUnsafeMutableBufferPointer { dp in
                let d = dp.baseAddress!
                Attention.backward(
                    dquery: d, dqueryStride: 3 * C, dkey: d + C, dkeyStride: 3 * C, dvalue: d + 2 * C, dvalueStride: 3 * C,
                    scratch: &s2, dout: r, query: q, queryStride: 3 * C, key: q + C, keyStride: 3 * C, value: q + 2 * C,
                    valueStride: 3 * C, att: att2, batch: B, queryTime: T, keyTime: T, dim: C, heads: NH, mask: .causal,
                    threads: 1)
            }
        }
        #expect(out1 == out2)
        #expect(att1 == att2)
        #expect(d1 == d2)
    }

    @Test func masksThatDoNotFitAreErrors() {
        #expect(throws: ModelError.self) { try AttentionMask.keyLengths([3]).validate(batch: 2, keyTime: 4) }
        #expect { try AttentionMask.keyLengths([3, 5]).validate(batch: 2, keyTime: 4) } throws: { error in
            (error as? ModelError).map { "\($0)".contains("key length 5 of sequence 1") } ?? false
        }
        #expect { try AttentionMask.keyMask([true, false, true]).validate(batch: 2, keyTime: 2) } throws: { error in
            (error as? ModelError).map { "\($0)".contains("3 entries, expected batch × keys = 4") } ?? false
        }
    }
}
