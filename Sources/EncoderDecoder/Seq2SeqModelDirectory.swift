import ArtifactIO
import Foundation
import NeuralCore
import TensorOps
import Tokenization

/// A translation model directory: `config.json` (``Seq2SeqConfig``), `model.safetensors` (tensors
/// named as the network's ``Seq2SeqNetwork/layout``), `tokenizer.json` (the joint vocabulary), and for resuming
/// `optimizer.safetensors` + `trainer_state.json`.
///
/// Saving writes a complete sibling directory `NAME.saving`, then swaps it in with two renames
/// (`NAME` → `NAME.previous`, `NAME.saving` → `NAME`) and removes the previous one, as NeuralCore's
/// `Checkpoint` does: a crash leaves either the old or the new directory whole, and
/// loading falls back to `NAME.previous` (`Checkpoint.resolve(_:)`).
public enum Seq2SeqModelDirectory {
    /// The marker in `config.json` that says the directory holds a Tessera translation model.
    public static let modelType = "tessera-seq2seq"

    struct ConfigFile: Codable {
        var modelType: String
        var config: Seq2SeqConfig
    }

    /// Saves the model, its tokenizer and, with a trainer, the training state.
    public static func save(to directory: String, model: any Seq2SeqNetwork, tokenizer: Tokenizer, trainer: Seq2SeqTrainer?) throws {
        let fm = FileManager.default
        let staging = directory + ".saving"
        try? fm.removeItem(atPath: staging)
        // The run marker travels with every save, so the directory stays recognisable as ours after the swap.
        try RunDirectory.create(staging, as: .translation)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(ConfigFile(modelType: modelType, config: model.config)).write(to: URL(fileURLWithPath: staging + "/config.json"))
        var weights = SafeTensors()
        for entry in model.layout.entries {
            weights.add(entry.name, shape: entry.shape, pointer: model.parameters.pointer + entry.offset)
        }
        let step = trainer?.step ?? 0
        weights.metadata = ["format": "pt", "step": String(step)]
        try weights.write(to: staging + "/model.safetensors")
        try tokenizer.save(to: staging + "/tokenizer.json")
        if let trainer {
            var moments = SafeTensors()
            moments.add("m", shape: [model.parameterCount], pointer: trainer.optimizer.m.pointer)
            moments.add("v", shape: [model.parameterCount], pointer: trainer.optimizer.v.pointer)
            moments.metadata = ["step": String(step)]
            try moments.write(to: staging + "/optimizer.safetensors")
            try encoder.encode(trainer.state).write(to: URL(fileURLWithPath: staging + "/trainer_state.json"))
        }
        try Checkpoint.swapIntoPlace(staging: staging, directory: directory)
    }

    /// Whether `directory` holds a Tessera translation model (its `config.json` has the marker).
    public static func isModelDirectory(_ directory: String) -> Bool {
        guard let dir = try? Checkpoint.resolve(directory),
            let data = FileManager.default.contents(atPath: dir + "/config.json"),
            let file = try? JSONDecoder().decode(ConfigFile.self, from: data)
        else { return false }
        return file.modelType == modelType
    }

    /// Loads the model and its vocabulary.
    public static func load(_ directory: String) throws -> (model: any Seq2SeqNetwork, vocabulary: TranslationVocabulary) {
        let dir = try Checkpoint.resolve(directory)
        guard let data = FileManager.default.contents(atPath: dir + "/config.json") else {
            throw Seq2SeqError.invalidModel("\(dir): cannot read config.json")
        }
        let file: ConfigFile
        do { file = try JSONDecoder().decode(ConfigFile.self, from: data) } catch {
            throw Seq2SeqError.invalidModel("\(dir)/config.json: not a translation model configuration (\(error))")
        }
        guard file.modelType == modelType else {
            throw Seq2SeqError.invalidModel("\(dir)/config.json: modelType \(file.modelType), expected \(modelType)")
        }
        let model = try Seq2SeqNetworks.make(config: file.config)
        try loadWeights(dir, into: model)
        let vocabulary = try TranslationVocabulary(tokenizer: try TokenizerFile.load(dir + "/tokenizer.json"))
        guard vocabulary.size == file.config.vocabSize else {
            throw Seq2SeqError.invalidModel(
                "\(dir)/tokenizer.json has \(vocabulary.size) tokens but the model has \(file.config.vocabSize)")
        }
        return (model, vocabulary)
    }

    /// Copies every tensor of the directory's `model.safetensors` into `model`, checking names and
    /// shapes; returns the number of parameters loaded.
    @discardableResult
    public static func loadWeights(_ directory: String, into model: any Seq2SeqNetwork) throws -> Int {
        let dir = try Checkpoint.resolve(directory)
        let weights = try SafeTensors.read(dir + "/model.safetensors")
        for entry in model.layout.entries {
            try weights.copyFloats(entry.name, shape: entry.shape, into: model.parameters.pointer + entry.offset)
        }
        return model.layout.entries.reduce(0) { $0 + $1.count }
    }

    /// Restores a trainer's optimizer moments and position from `directory` (whose weights the
    /// trainer's model already holds).
    public static func restore(_ trainer: Seq2SeqTrainer, from directory: String) throws {
        let dir = try Checkpoint.resolve(directory)
        guard let data = FileManager.default.contents(atPath: dir + "/trainer_state.json") else {
            throw Seq2SeqError.invalidModel("\(dir): no trainer_state.json, so training cannot resume from it")
        }
        let state = try JSONDecoder().decode(Seq2SeqTrainer.State.self, from: data)
        let moments = try SafeTensors.read(dir + "/optimizer.safetensors")
        guard moments.metadata["step"] == String(state.step) else {
            throw Seq2SeqError.invalidModel("\(dir)/optimizer.safetensors is not from step \(state.step)")
        }
        let n = trainer.model.parameterCount
        try moments.copyFloats("m", shape: [n], into: trainer.optimizer.m.pointer)
        try moments.copyFloats("v", shape: [n], into: trainer.optimizer.v.pointer)
        trainer.restore(state)
    }

    /// The saved training state, if the directory has one.
    public static func savedState(_ directory: String) -> Seq2SeqTrainer.State? {
        guard let dir = try? Checkpoint.resolve(directory),
            let data = FileManager.default.contents(atPath: dir + "/trainer_state.json")
        else { return nil }
        return try? JSONDecoder().decode(Seq2SeqTrainer.State.self, from: data)
    }
}
