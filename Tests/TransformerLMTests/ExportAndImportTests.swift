import ArtifactIO
import Foundation
import NeuralCore
import TensorOps
import Testing
import TransformerLM

@Suite struct ExportAndImportTests {
    static let config = ModelConfig(vocabSize: 20, contextLength: 8, layers: 2, heads: 2, dim: 8, ffnDim: 12, positions: .learned)

    @Test func hfExportUsesGPT2NamesAndConv1DOrientation() throws {
        let model = try TransformerModel(config: Self.config)
        model.initialize(seed: 4)
        let dir = NSTemporaryDirectory() + "tessera-hf-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try HFExport.write(model, to: dir, eosTokenID: 19)
        let file = try SafeTensors.read(dir + "/model.safetensors")
        #expect(file.tensors["transformer.h.1.attn.c_attn.weight"]?.shape == [8, 24])
        #expect(file.tensors["transformer.h.0.mlp.c_fc.weight"]?.shape == [8, 12])
        #expect(file.tensors["transformer.h.0.mlp.c_proj.weight"]?.shape == [12, 8])
        #expect(file.tensors["lm_head.weight"] == nil, "tied head is not stored")
        let ours = model.parameters.pointer + model.layout.blocks[1].qkvw  // [24, 8]
        let theirs = try file.floats("transformer.h.1.attn.c_attn.weight")  // [8, 24]
        for o in 0..<24 { for i in 0..<8 { #expect(theirs[i * 24 + o] == ours[o * 8 + i]) } }
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/config.json"))) as? [String: Any]
        #expect(
            config?["n_embd"] as? Int == 8 && config?["n_layer"] as? Int == 2 && config?["activation_function"] as? String == "gelu_new")
    }

    @Test func nonGPT2ConfigsNameTheOption() throws {
        var c = Self.config
        c.norm = .post
        let norm = #expect(throws: ModelError.self) { try HFExport.checkGPT2Shaped(c) }
        #expect(norm.map { "\($0)".contains("norm post") } == true, "\(String(describing: norm))")
        c = Self.config; c.ffn = .moe
        let ffn = #expect(throws: ModelError.self) { try HFExport.checkGPT2Shaped(c) }
        #expect(ffn.map { "\($0)".contains("ffn moe") } == true, "\(String(describing: ffn))")
        c = Self.config; c.activation = .relu
        let activation = #expect(throws: ModelError.self) { try HFExport.checkGPT2Shaped(c) }
        #expect(activation.map { "\($0)".contains("activation relu") } == true, "\(String(describing: activation))")
        c = Self.config; c.tieEmbeddings = false
        let tie = #expect(throws: ModelError.self) { try HFExport.checkGPT2Shaped(c) }
        #expect(tie.map { "\($0)".contains("tieEmbeddings false") } == true, "\(String(describing: tie))")
        c = Self.config; c.positions = .sinusoidal
        try HFExport.checkGPT2Shaped(c)
    }

    @Test func word2vecEmbeddingsAreRescaledAndMismatchesRejected() throws {
        let model = try TransformerModel(config: Self.config)
        var rng = SeededGenerator(seed: 8)
        var file = SafeTensors()
        file.add("embeddings", shape: [20, 8], floats: (0..<160).map { _ in 3 * rng.nextNormal() })
        let path = NSTemporaryDirectory() + "tessera-emb-\(getpid()).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try file.write(to: path)
        try EmbeddingImport.load(path, into: model)
        let wte = Array(UnsafeBufferPointer(start: model.parameters.pointer + model.layout.wte, count: 160))
        let mean = wte.reduce(0, +) / 160
        let std = (wte.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 160).squareRoot()
        #expect(abs(std - Self.config.embeddingInitStd) < 1e-4)
        let source = try file.floats("embeddings")
        #expect(abs(wte[5] / source[5] - wte[77] / source[77]) < 1e-5, "one common scale")

        var wrong = SafeTensors()
        wrong.add("embeddings", shape: [20, 6], floats: [Float](repeating: 1, count: 120))
        try wrong.write(to: path)
        #expect { try EmbeddingImport.load(path, into: model) } throws: { "\($0)".contains("dimension 6") && "\($0)".contains("dim is 8") }
    }
}
