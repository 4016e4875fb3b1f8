import ArtifactIO
import Foundation
import NeuralCore
import TensorOps

/// A masked-LM run directory: `config.json` (``BertConfig``), `model.safetensors` (Hugging Face
/// tensor names), `tokenizer.json`, and for resuming `optimizer.safetensors` + `trainer_state.json`.
/// Saved as NeuralCore's checkpoints are: a complete sibling `NAME.saving`, then two renames. The
/// caller claims and locks the directory first (``claim(_:)``): only a masked-LM run is replaced.
public enum MaskedLMCheckpoint {
    /// The training state saved beside the weights.
    public struct TrainerState: Codable, Sendable {
        /// Updates done.
        public var step: Int
        /// Hyper-parameters.
        public var options: TrainingOptions
        /// Maximum sequence length of the pairs.
        public var maxLength: Int
        /// Masking probability.
        public var maskProbability: Double
        /// Whole-word masking.
        public var wholeWord: Bool
        /// Seed of the pairs and masks.
        public var dataSeed: UInt64

        /// Creates a state from its parts.
        public init(step: Int, options: TrainingOptions, maxLength: Int, maskProbability: Double, wholeWord: Bool, dataSeed: UInt64) {
            self.step = step
            self.options = options
            self.maxLength = maxLength
            self.maskProbability = maskProbability
            self.wholeWord = wholeWord
            self.dataSeed = dataSeed
        }
    }

    /// Saves `model` (and the trainer's state when given) with the tokenizer file's bytes.
    public static func save(to directory: String, model: BertModel, trainer: MaskedLMTrainer?, state: TrainerState?, tokenizer: [UInt8])
        throws
    {
        let fm = FileManager.default
        let staging = directory + ".saving"
        try? fm.removeItem(atPath: staging)
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        // The run marker (ArtifactIO's `RunDirectory`, kind "mlm") travels with every checkpoint.
        try RunDirectory.create(staging, as: .maskedLM)
        try model.config.jsonData().write(to: URL(fileURLWithPath: staging + "/config.json"))
        var weights = BertHuggingFace.tensors(of: model)
        weights.metadata["step"] = String(trainer?.step ?? 0)
        try weights.write(to: staging + "/model.safetensors")
        try Data(tokenizer).write(to: URL(fileURLWithPath: staging + "/tokenizer.json"))
        if let trainer, let state {
            var opt = SafeTensors()
            opt.add("m", shape: [model.parameterCount], pointer: trainer.optimizer.m.pointer)
            opt.add("v", shape: [model.parameterCount], pointer: trainer.optimizer.v.pointer)
            opt.metadata = ["step": String(trainer.step), "adam_step": String(trainer.optimizer.step)]
            try opt.write(to: staging + "/optimizer.safetensors")
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(state).write(to: URL(fileURLWithPath: staging + "/trainer_state.json"))
        }
        try Checkpoint.swapIntoPlace(staging: staging, directory: directory)
    }

    /// Checks that `directory` may be written as a masked-LM run (absent, empty, or one already),
    /// takes its lock (held until the returned lock is released) and clears a stale staging copy.
    public static func claim(_ directory: String) throws -> RunLock {
        let state = try RunDirectory.claim(directory, as: .maskedLM)
        try RunDirectory.makeDirectories(directory)
        let lock = try RunDirectory.lock(directory)
        RunDirectory.removeStale(directory + ".saving", kind: .maskedLM)
        if state != .owned { try RunDirectory.create(directory, as: .maskedLM) }
        return lock
    }

    /// The directory holding the last whole checkpoint: `directory`, or `directory.previous` after a crash mid-swap.
    public static func resolve(_ directory: String) -> String {
        let fm = FileManager.default
        if fm.fileExists(atPath: directory + "/model.safetensors") { return directory }
        if fm.fileExists(atPath: directory + ".previous/model.safetensors") { return directory + ".previous" }
        return directory
    }

    /// Loads the model of a run directory.
    public static func loadModel(_ directory: String, threads: Int = 1) throws -> BertModel {
        let dir = resolve(directory)
        guard let data = FileManager.default.contents(atPath: dir + "/config.json") else {
            throw MaskedLMError.invalidOption("\(dir): no config.json (not a masked-LM run directory)")
        }
        let config: BertConfig
        do { config = try JSONDecoder().decode(BertConfig.self, from: data) } catch {
            throw MaskedLMError.invalidOption("\(dir)/config.json: not a masked-LM config (\(error))")
        }
        let model = try BertModel(config: config, threads: threads)
        let file = try SafeTensors.read(dir + "/model.safetensors")
        for e in model.layout.parameters.entries { try file.copyFloats(e.name, shape: e.shape, into: model.parameters.pointer + e.offset) }
        return model
    }

    /// The saved training state, if any.
    public static func savedState(_ directory: String) -> TrainerState? {
        guard let data = FileManager.default.contents(atPath: resolve(directory) + "/trainer_state.json") else { return nil }
        return try? JSONDecoder().decode(TrainerState.self, from: data)
    }

    /// Restores the step and optimizer moments into `trainer`.
    public static func restore(_ trainer: MaskedLMTrainer, from directory: String) throws {
        let dir = resolve(directory)
        guard let state = savedState(dir) else { throw MaskedLMError.invalidOption("\(dir): no trainer_state.json to resume from") }
        let opt = try SafeTensors.read(dir + "/optimizer.safetensors")
        let n = trainer.model.parameterCount
        try opt.copyFloats("m", shape: [n], into: trainer.optimizer.m.pointer)
        try opt.copyFloats("v", shape: [n], into: trainer.optimizer.v.pointer)
        trainer.optimizer.step = Int(opt.metadata["adam_step"] ?? "") ?? state.step
        trainer.step = state.step
    }
}
