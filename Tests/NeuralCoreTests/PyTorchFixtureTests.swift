import ArtifactIO
import Foundation
import NeuralCore
import TestFixtures
import Testing

/// Padded cross-attention and masked self-attention followed by cross-entropy with an ignore index
/// and label smoothing, built from NeuralCore's layers, against PyTorch float64 autograd
/// (`Fixtures/make_fixtures.py`): the loss and every gradient to 1e-4 relative.
@Suite struct PyTorchFixtureTests {
    static func fixture(_ name: String) throws -> SafeTensors {
        try SafeTensors.read(TestFixtures.path(name, in: "NeuralCoreTests"))
    }

    static func meta(_ file: SafeTensors, _ key: String) throws -> Int { try #require(Int(file.metadata[key] ?? ""), "metadata \(key)") }

    /// Checks `got` against the fixture's `grad.NAME` to 1e-4 of its largest magnitude.
    static func expectGradient(_ file: SafeTensors, _ name: String, _ got: [Float]) throws {
        let expected = try file.floats("grad." + name)
        try #require(expected.count == got.count, "\(name): \(got.count) values, fixture has \(expected.count)")
        let scale = expected.map(abs).max() ?? 0
        let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? .nan
        #expect(scale > 0, "\(name): reference gradient is all zero")
        #expect(worst <= 1e-4 * scale, "\(name): max |Δ| \(worst) vs max |g| \(scale)")
    }

    /// logits = y·Woᵀ + bo, loss = CE(logits, targets; ignore, smoothing); returns loss and fills dy, dWo, dbo.
    static func head(
        _ y: [Float], _ file: SafeTensors, rows N: Int, dim C: Int, vocab V: Int,
        dy: inout [Float], dwo: inout [Float], dbo: inout [Float]
    ) throws -> Float {
        let wo = try file.floats("wo"), bo = try file.floats("bo"), targets = try file.ints("targets").map(Int32.init)
        let ignore = try #require(Int32(file.metadata["ignore_index"] ?? "")),
            eps = try #require(Float(file.metadata["label_smoothing"] ?? ""))
        let options = CrossEntropy.Options(ignoreIndex: ignore, labelSmoothing: eps)
        var logits = [Float](repeating: 0, count: N * V), probs = logits, losses = [Float](repeating: 0, count: N)
        Linear.forward(out: &logits, inp: y, weight: wo, bias: bo, rows: N, inChannels: C, outChannels: V)
        let counted = CrossEntropy.forward(
            probs: &probs, losses: &losses, logits: logits, targets: targets, rows: N, vocab: V, options: options)
        CrossEntropy.backward(probs: &probs, targets: targets, rows: N, vocab: V, scale: 1 / Float(counted), options: options)
        Linear.backward(
            dinp: &dy, dweight: &dwo, dbias: &dbo, dout: probs, inp: y, weight: wo, rows: N, inChannels: C, outChannels: V,
            overwriteInput: true)
        return Float(losses.reduce(0.0) { $0 + Double($1) } / Double(counted))
    }

    @Test func paddedCrossAttentionWithSmoothedIgnoreIndexLoss() throws {
        let file = try Self.fixture("cross_attention.safetensors")
        let B = try Self.meta(file, "batch"), Tq = try Self.meta(file, "query_time"), Tk = try Self.meta(file, "key_time")
        let C = try Self.meta(file, "dim"), NH = try Self.meta(file, "heads"), V = try Self.meta(file, "vocab")
        let xq = try file.floats("xq"), xkv = try file.floats("xkv"), wq = try file.floats("wq"), bq = try file.floats("bq")
        let wkv = try file.floats("wkv"), bkv = try file.floats("bkv")
        let mask = AttentionMask.keyLengths(try file.ints("key_lengths"))
        try mask.validate(batch: B, keyTime: Tk)
        let Nq = B * Tq, Nk = B * Tk
        // forward
        var q = [Float](repeating: 0, count: Nq * C), kv = [Float](repeating: 0, count: Nk * 2 * C)
        Linear.forward(out: &q, inp: xq, weight: wq, bias: bq, rows: Nq, inChannels: C, outChannels: C)
        Linear.forward(out: &kv, inp: xkv, weight: wkv, bias: bkv, rows: Nk, inChannels: C, outChannels: 2 * C)
        var y = [Float](repeating: 0, count: Nq * C), att = [Float](repeating: 0, count: B * NH * Tq * Tk)
        kv.withUnsafeBufferPointer { p in
            Attention.forward(
                out: &y, att: &att, query: q, queryStride: C, key: p.baseAddress!, keyStride: 2 * C, value: p.baseAddress! + C,
                valueStride: 2 * C, batch: B, queryTime: Tq, keyTime: Tk, dim: C, heads: NH, mask: mask, threads: 1)
        }
        var dy = [Float](repeating: 0, count: Nq * C), dwo = [Float](repeating: 0, count: V * C), dbo = [Float](repeating: 0, count: V)
        let loss = try Self.head(y, file, rows: Nq, dim: C, vocab: V, dy: &dy, dwo: &dwo, dbo: &dbo)
        let expected = try file.floats("loss")[0]
        #expect(abs(loss - expected) <= 1e-4 * abs(expected), "loss \(loss) vs PyTorch \(expected)")
        // backward
        var dq = q, dkv = kv, scratch = att
        kv.withUnsafeBufferPointer { p in
            dkv.withUnsafeMutableBufferPointer { d in
                Attention.backward(
                    dquery: &dq, dqueryStride: C, dkey: d.baseAddress!, dkeyStride: 2 * C, dvalue: d.baseAddress! + C,
                    dvalueStride: 2 * C, scratch: &scratch, dout: dy, query: q, queryStride: C, key: p.baseAddress!,
                    keyStride: 2 * C, value: p.baseAddress! + C, valueStride: 2 * C, att: att, batch: B, queryTime: Tq,
                    keyTime: Tk, dim: C, heads: NH, mask: mask, threads: 1)
            }
        }
        var dxq = xq, dxkv = xkv, dwq = [Float](repeating: 0, count: C * C), dbq = [Float](repeating: 0, count: C)
        var dwkv = [Float](repeating: 0, count: 2 * C * C), dbkv = [Float](repeating: 0, count: 2 * C)
        Linear.backward(
            dinp: &dxq, dweight: &dwq, dbias: &dbq, dout: dq, inp: xq, weight: wq, rows: Nq, inChannels: C, outChannels: C,
            overwriteInput: true)
        Linear.backward(
            dinp: &dxkv, dweight: &dwkv, dbias: &dbkv, dout: dkv, inp: xkv, weight: wkv, rows: Nk, inChannels: C,
            outChannels: 2 * C, overwriteInput: true)
        for (name, got) in [("xq", dxq), ("xkv", dxkv), ("wq", dwq), ("bq", dbq), ("wkv", dwkv), ("bkv", dbkv), ("wo", dwo), ("bo", dbo)] {
            try Self.expectGradient(file, name, got)
        }
    }

    @Test func causalSelfAttentionWithKeyMaskAndSmoothedIgnoreIndexLoss() throws {
        let file = try Self.fixture("masked_self_attention.safetensors")
        let B = try Self.meta(file, "batch"), T = try Self.meta(file, "time"), C = try Self.meta(file, "dim")
        let NH = try Self.meta(file, "heads"), V = try Self.meta(file, "vocab")
        let x = try file.floats("x"), wqkv = try file.floats("wqkv"), bqkv = try file.floats("bqkv")
        let mask = AttentionMask(causal: true, keyMask: try file.ints("key_mask").map { $0 != 0 })
        try mask.validate(batch: B, keyTime: T)
        let N = B * T
        var qkv = [Float](repeating: 0, count: N * 3 * C)
        Linear.forward(out: &qkv, inp: x, weight: wqkv, bias: bqkv, rows: N, inChannels: C, outChannels: 3 * C)
        var y = [Float](repeating: 0, count: N * C), att = [Float](repeating: 0, count: B * NH * T * T)
        qkv.withUnsafeBufferPointer { p in
            let q = p.baseAddress!
            Attention.forward(
                out: &y, att: &att, query: q, queryStride: 3 * C, key: q + C, keyStride: 3 * C, value: q + 2 * C,
                valueStride: 3 * C, batch: B, queryTime: T, keyTime: T, dim: C, heads: NH, mask: mask, threads: 1)
        }
        var dy = [Float](repeating: 0, count: N * C), dwo = [Float](repeating: 0, count: V * C), dbo = [Float](repeating: 0, count: V)
        let loss = try Self.head(y, file, rows: N, dim: C, vocab: V, dy: &dy, dwo: &dwo, dbo: &dbo)
        let expected = try file.floats("loss")[0]
        #expect(abs(loss - expected) <= 1e-4 * abs(expected), "loss \(loss) vs PyTorch \(expected)")
        var dqkv = qkv, scratch = att
        qkv.withUnsafeBufferPointer { p in
            let q = p.baseAddress!
            dqkv.withUnsafeMutableBufferPointer { d in
                let dq = d.baseAddress!
                Attention.backward(
                    dquery: dq, dqueryStride: 3 * C, dkey: dq + C, dkeyStride: 3 * C, dvalue: dq + 2 * C, dvalueStride: 3 * C,
                    scratch: &scratch, dout: dy, query: q, queryStride: 3 * C, key: q + C, keyStride: 3 * C, value: q + 2 * C,
                    valueStride: 3 * C, att: att, batch: B, queryTime: T, keyTime: T, dim: C, heads: NH, mask: mask, threads: 1)
            }
        }
        var dx = x, dw = [Float](repeating: 0, count: 3 * C * C), db = [Float](repeating: 0, count: 3 * C)
        Linear.backward(
            dinp: &dx, dweight: &dw, dbias: &db, dout: dqkv, inp: x, weight: wqkv, rows: N, inChannels: C, outChannels: 3 * C,
            overwriteInput: true)
        for (name, got) in [("x", dx), ("wqkv", dw), ("bqkv", db), ("wo", dwo), ("bo", dbo)] {
            try Self.expectGradient(file, name, got)
        }
    }
}
