import ArtifactIO
import Foundation

/// Initializing a model's token embeddings from a Word2Vec stage output: the `[vocab, width]`
/// table of a safetensors file (its only 2-D tensor, or the one named `embeddings`), rescaled so
/// that its standard deviation is the model family's initialization std. Every family (GPT,
/// recurrent, BERT) goes through ``load(_:into:vocabularySize:width:std:)``; `TransformerLM` adds
/// an overload for its model.
public enum EmbeddingImport {
    /// Copies the `[vocab, width]` table of a safetensors file (as above) into the `[vocabularySize,
    /// width]` tensor at offset `tensor` of any model's parameters, rescaled so that its standard
    /// deviation is `std`. Returns the scale applied.
    @discardableResult
    public static func load(
        _ path: String, into model: any TrainableModel, tensor: Int, vocabularySize: Int, width: Int, std targetStd: Float
    ) throws -> Float {
        try load(path, into: model.parameters.pointer + tensor, vocabularySize: vocabularySize, width: width, std: targetStd)
    }

    /// Copies the `[vocab, width]` table of a safetensors file into the `vocabularySize × width`
    /// floats at `destination` (row-major), rescaled so that its standard deviation is `std`;
    /// nothing is written when the file does not fit (its width differs from `width`: an error
    /// naming both; its row count from `vocabularySize`). Returns the scale applied.
    @discardableResult
    public static func load(
        _ path: String, into destination: UnsafeMutablePointer<Float>, vocabularySize: Int, width: Int, std targetStd: Float
    ) throws -> Float {
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
        guard let shape = file.tensors[name]?.shape, shape.count == 2 else {
            throw ModelError.embeddingMismatch(path: path, detail: "tensor '\(name)' is not a matrix")
        }
        guard shape[1] == width else {
            throw ModelError.embeddingMismatch(
                path: path, detail: "tensor '\(name)' has dimension \(shape[1]) but the model's dim is \(width)")
        }
        guard shape[0] == vocabularySize else {
            throw ModelError.embeddingMismatch(
                path: path, detail: "tensor '\(name)' has \(shape[0]) rows but the tokenizer has \(vocabularySize) ids")
        }
        let values = try file.floats(name)
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
        let std = variance.squareRoot()
        guard std > 0, std.isFinite else {
            throw ModelError.embeddingMismatch(path: path, detail: "tensor '\(name)' is constant or not finite")
        }
        let scale = targetStd / Float(std)
        for i in 0..<values.count { destination[i] = values[i] * scale }
        return scale
    }
}
