import NeuralCore

extension Checkpoint {
    /// Loads the ``RecurrentModel`` of a checkpoint directory (`config.json` + `model.safetensors`).
    public static func loadRecurrentModel(_ directory: String, threads: Int = 1) throws -> RecurrentModel {
        let dir = try resolve(directory)
        let config = try RecurrentConfig.read(dir + "/config.json")
        let model = try RecurrentModel(config: config, threads: threads)
        try loadWeights(into: model, path: dir + "/model.safetensors")
        return model
    }
}
