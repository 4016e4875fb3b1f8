import ArtifactIO
import Foundation
import MaskedLM
import NeuralCore
import Testing

/// Word2Vec initialization of BERT's token embeddings (`train-mlm --init-embeddings`).
@Suite struct BertEmbeddingImportTests {
    static let config = BertConfig(vocabSize: 11, maxPositions: 8, layers: 1, heads: 2, dim: 6, ffnDim: 12)

    /// A `[rows, columns]` table named `embeddings`, as `train-embeddings -o X.safetensors` writes it,
    /// in a fresh temporary file.
    static func table(rows: Int, columns: Int, value: (Int) -> Float) throws -> String {
        var file = SafeTensors()
        file.add("embeddings", shape: [rows, columns], floats: (0..<(rows * columns)).map(value))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("w2v-\(UUID().uuidString).safetensors").path
        try file.write(to: path)
        return path
    }

    @Test func tokenEmbeddingRowsAreTheTableRescaledToBertsInitStd() throws {
        let c = Self.config
        let values = (0..<(c.vocabSize * c.dim)).map { Float(($0 * 7919) % 101) / 50 - 1 }
        let path = try Self.table(rows: c.vocabSize, columns: c.dim) { values[$0] }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try BertModel(config: c)
        model.initialize(seed: 3)
        let before = Array(UnsafeBufferPointer(start: model.parameters.pointer, count: model.parameterCount))
        let scale = try model.initializeEmbeddings(from: path)
        // The scale makes the table's (population) standard deviation BERT's initializer range.
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        let std = (values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)).squareRoot()
        #expect(abs(Double(scale) - Double(BertModel.initializerRange) / std) < 1e-6 * Double(scale), "scale \(scale), table std \(std)")
        let wte = model.layout.wordEmbeddings
        for row in 0..<c.vocabSize {
            for k in 0..<c.dim {
                let i = row * c.dim + k
                #expect(model.parameters.pointer[wte + i] == values[i] * scale, "row \(row), column \(k)")
            }
        }
        // Nothing else moved: positions, segments, layer norms, blocks and heads keep their values.
        for i in 0..<model.parameterCount where !(wte..<(wte + c.vocabSize * c.dim)).contains(i) {
            #expect(model.parameters.pointer[i] == before[i], "parameter \(i) changed")
        }
    }

    @Test func aTableOfAnotherWidthIsAOneLineErrorNamingBothAndChangesNothing() throws {
        let c = Self.config
        let path = try Self.table(rows: c.vocabSize, columns: 4) { Float($0 % 13) }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try BertModel(config: c)
        model.initialize(seed: 3)
        let before = Array(UnsafeBufferPointer(start: model.parameters.pointer, count: model.parameterCount))
        #expect {
            try model.initializeEmbeddings(from: path)
        } throws: {
            let text = "\($0)"
            return text.contains(path) && text.contains("dimension 4") && text.contains("dim is 6") && !text.contains("\n")
        }
        #expect(Array(UnsafeBufferPointer(start: model.parameters.pointer, count: model.parameterCount)) == before)
    }

    @Test func aTableWithOtherRowsThanTheVocabularyIsAnError() throws {
        let c = Self.config
        let path = try Self.table(rows: c.vocabSize + 1, columns: c.dim) { Float($0 % 5) }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try BertModel(config: c)
        #expect {
            try model.initializeEmbeddings(from: path)
        } throws: { "\($0)".contains("has \(c.vocabSize + 1) rows") && "\($0)".contains("\(c.vocabSize) ids") }
    }
}
