import NeuralCore

extension Checkpoint {
    /// Loads the ``TransformerModel`` of a checkpoint directory (`config.json` + `model.safetensors`).
    public static func loadModel(_ directory: String, threads: Int = 1) throws -> TransformerModel {
        let dir = try resolve(directory)
        let config = try ModelConfig.read(dir + "/config.json")
        let model = try TransformerModel(config: config, threads: threads)
        try loadWeights(into: model, path: dir + "/model.safetensors")
        return model
    }
}
