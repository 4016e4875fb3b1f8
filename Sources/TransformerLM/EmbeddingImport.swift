import ArtifactIO
import Foundation
import NeuralCore

/// Initializing a model's token embeddings from a Word2Vec stage output.
public enum EmbeddingImport {
    /// Copies the `[vocab, dim]` table of a safetensors file (its only 2-D tensor, or the one named
    /// `embeddings`) into the token embedding, rescaled so that its standard deviation equals the
    /// model's initialization std. Returns the scale applied.
    @discardableResult
    public static func load(_ path: String, into model: TransformerModel) throws -> Float {
        let file: SafeTensors
        let suffix = path.split(separator: ".").last.map { String($0).lowercased() } ?? ""
        if ["vec", "bin", "txt"].contains(suffix) {
            throw ModelError.embeddingMismatch(
                path: path,
                detail:
                    "expected the .safetensors [vocab, dim] table that train-embeddings writes with -o; word2vec .\(suffix) vectors are not read here"
            )
        }
        do { file = try SafeTensors.read(path) } catch let e as SafeTensorsError {
            throw ModelError.embeddingMismatch(path: path, detail: e.description)
        }
        let matrices = file.names.filter { (file.tensors[$0]?.shape.count ?? 0) == 2 }
        let name: String
        if matrices.count == 1 {
            name = matrices[0]
        } else if matrices.contains("embeddings") {
            name = "embeddings"
        } else {
            throw ModelError.embeddingMismatch(
                path: path, detail: "expected one [vocab, dim] tensor, found \(matrices.count) matrices \(matrices)")
        }
        let shape = file.tensors[name]!.shape
        let c = model.config
        guard shape[1] == c.dim else {
            throw ModelError.embeddingMismatch(
                path: path, detail: "tensor '\(name)' has dimension \(shape[1]) but the model's dim is \(c.dim)")
        }
        guard shape[0] == c.vocabSize else {
            throw ModelError.embeddingMismatch(
                path: path, detail: "tensor '\(name)' has \(shape[0]) rows but the tokenizer has \(c.vocabSize) ids")
        }
        let values = try file.floats(name)
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
        let std = variance.squareRoot()
        guard std > 0, std.isFinite else {
            throw ModelError.embeddingMismatch(path: path, detail: "tensor '\(name)' is constant or not finite")
        }
        let scale = c.embeddingInitStd / Float(std)
        let dst = model.parameters.pointer + model.layout.wte
        for i in 0..<values.count { dst[i] = values[i] * scale }
        return scale
    }
}
