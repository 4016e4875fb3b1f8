import Foundation
import NeuralCore

extension Checkpoint {
    /// Loads the ``TransformerModel`` of a checkpoint directory (`config.json` + `model.safetensors`).
    public static func loadModel(_ directory: String, threads: Int = 1) throws -> TransformerModel {
        let dir = try resolve(directory)
        let config = try ModelConfig.read(dir + "/config.json")
        // The weights file must be able to hold the parameters the config describes: check before allocating.
        let weightsPath = dir + "/model.safetensors"
        let fileSize = ((try? FileManager.default.attributesOfItem(atPath: weightsPath))?[.size] as? NSNumber)?.doubleValue ?? 0
        if config.approximateParameterCount * 4 > fileSize * 1.01 + 65536 {
            throw ModelError.badCheckpoint(
                path: dir + "/config.json",
                detail: String(
                    format: "describes about %.3g parameters, more than %@ (%.0f bytes) can hold", config.approximateParameterCount,
                    weightsPath, fileSize))
        }
        let model = try TransformerModel(config: config, threads: threads)
        try loadWeights(into: model, path: dir + "/model.safetensors")
        return model
    }
}
