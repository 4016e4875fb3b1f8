import ArtifactIO
import Foundation
import TensorOps

/// A model directory: `config.json`, `model.safetensors`, `tokenizer.json`, and for resuming
/// `optimizer.safetensors` + `trainer_state.json`.
///
/// Saving writes a complete sibling directory `NAME.saving`, then swaps it in with two renames
/// (`NAME` → `NAME.previous`, `NAME.saving` → `NAME`), then removes the previous one. A crash at any
/// point leaves either the old or the new checkpoint whole; ``resolve(_:)`` finds it.
public enum Checkpoint {
    /// The training state saved beside the weights.
    public struct TrainerState: Codable, Sendable {
        /// Updates done.
        public var step: Int
        /// Start of the next training batch.
        public var position: Int
        /// Dropout generator state (four 64-bit words as decimal strings).
        public var rng: [String]
        /// Hyper-parameters of the run.
        public var options: TrainingOptions
    }

    // MARK: Saving

    /// Saves the model (and, when given, the trainer's full state) with the tokenizer file's bytes.
    public static func save(to directory: String, model: any TrainableModel, trainer: Trainer?, tokenizer: [UInt8]) throws {
        let fm = FileManager.default
        let staging = directory + ".saving"
        try? fm.removeItem(atPath: staging)
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        // The run marker (ArtifactIO's `RunDirectory`, kind "lm") travels with every
        // checkpoint, so the run stays recognisable as Tessera's own after the directory swap.
        try Data(Checkpoint.runMarker.utf8).write(to: URL(fileURLWithPath: staging + "/.tessera-run"))
        let step = trainer?.step ?? 0
        try model.configurationJSON().write(to: URL(fileURLWithPath: staging + "/config.json"))
        try weights(of: model, step: step).write(to: staging + "/model.safetensors")
        try Data(tokenizer).write(to: URL(fileURLWithPath: staging + "/tokenizer.json"))
        if let trainer {
            var opt = SafeTensors()
            opt.add("m", shape: [model.parameterCount], pointer: trainer.optimizer.m.pointer)
            opt.add("v", shape: [model.parameterCount], pointer: trainer.optimizer.v.pointer)
            for t in model.carriedState() { opt.add("carried." + t.name, shape: [t.values.count], floats: t.values) }
            opt.metadata = ["step": String(step), "adam_step": String(trainer.optimizer.step)]
            try opt.write(to: staging + "/optimizer.safetensors")
            let state = TrainerState(
                step: step, position: trainer.position, rng: trainer.rng.stateArray.map { String($0) }, options: trainer.options)
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(state).write(to: URL(fileURLWithPath: staging + "/trainer_state.json"))
        }
        try Checkpoint.swapIntoPlace(staging: staging, directory: directory)
    }

    /// Moves a complete checkpoint written at `staging` (`NAME.saving`) to `directory` (`NAME`):
    /// the old one becomes `NAME.previous` until the new one is in place, then goes. A crash at any
    /// point leaves `NAME` or `NAME.previous` whole, which ``resolve(_:)`` finds. Every model
    /// family's saver ends with this.
    public static func swapIntoPlace(staging: String, directory: String) throws {
        let fm = FileManager.default
        let previous = directory + ".previous"
        if fm.fileExists(atPath: directory) {
            // `directory` is whole, so an older NAME.previous can go; then keep this one until the swap is done
            try? fm.removeItem(atPath: previous)
            try fm.moveItem(atPath: directory, toPath: previous)
        }
        try fm.moveItem(atPath: staging, toPath: directory)
        try? fm.removeItem(atPath: previous)
    }

    /// The parameters as named F32 tensors.
    public static func weights(of model: any TrainableModel, step: Int) -> SafeTensors {
        var file = SafeTensors()
        for e in model.parameterLayout.entries { file.add(e.name, shape: e.shape, pointer: model.parameters.pointer + e.offset) }
        file.metadata = ["format": "pt", "step": String(step)]
        return file
    }

    /// The contents of the run marker a checkpoint directory carries (see `RunDirectory`).
    public static let runMarker = "{\"kind\":\"lm\"}\n"

    /// Whether `directory` is a model directory written before run markers existed (a
    /// `config.json` in Tessera's own shape beside `model.safetensors`), so it may be resumed or replaced.
    public static func isUnmarkedRun(_ directory: String) -> Bool {
        guard FileManager.default.fileExists(atPath: directory + "/model.safetensors"),
            let config = FileManager.default.contents(atPath: directory + "/config.json")
        else { return false }
        return String(decoding: config, as: UTF8.self).contains("\"vocabSize\"")
    }

    /// Whether `directory` holds a trained model (weights written by a checkpoint).
    public static func hasWeights(_ directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/model.safetensors")
            || FileManager.default.fileExists(atPath: directory + ".previous/model.safetensors")
    }

    // MARK: Loading

    /// The directory holding the latest whole checkpoint (`NAME`, or `NAME.previous` after an interrupted save).
    public static func resolve(_ directory: String) throws -> String {
        let fm = FileManager.default
        if fm.fileExists(atPath: directory + "/config.json") { return directory }
        if fm.fileExists(atPath: directory + ".previous/config.json") { return directory + ".previous" }
        throw ModelError.badCheckpoint(path: directory, detail: "not a model directory (no config.json)")
    }

    /// Copies every parameter tensor of a safetensors file into the model, checking names and shapes.
    public static func loadWeights(into model: any TrainableModel, path: String) throws {
        do {
            let file = try SafeTensors.read(path)
            for e in model.parameterLayout.entries {
                try file.copyFloats(e.name, shape: e.shape, into: model.parameters.pointer + e.offset)
            }
        } catch let e as SafeTensorsError {
            throw ModelError.badCheckpoint(path: path, detail: e.description)
        }
    }

    /// The tokenizer file's bytes.
    public static func tokenizerBytes(_ directory: String) throws -> [UInt8] {
        let dir = try resolve(directory)
        guard let data = FileManager.default.contents(atPath: dir + "/tokenizer.json") else {
            throw ModelError.badCheckpoint(path: dir, detail: "missing tokenizer.json")
        }
        return [UInt8](data)
    }

    /// Restores optimizer moments, step, data position and RNG into `trainer` (whose model was loaded from the same directory).
    public static func restore(_ trainer: Trainer, from directory: String) throws {
        let dir = try resolve(directory)
        let statePath = dir + "/trainer_state.json"
        guard let data = FileManager.default.contents(atPath: statePath) else {
            throw ModelError.badCheckpoint(path: dir, detail: "no trainer_state.json: this checkpoint cannot be resumed")
        }
        let state: TrainerState
        do { state = try JSONDecoder().decode(TrainerState.self, from: data) } catch {
            throw ModelError.badCheckpoint(path: statePath, detail: "corrupt trainer state: \(Checkpoint.decodingProblem(error))")
        }
        let optPath = dir + "/optimizer.safetensors"
        do {
            let opt = try SafeTensors.read(optPath)
            let n = trainer.model.parameterCount
            guard opt.metadata["step"] == String(state.step), let adamStep = Int(opt.metadata["adam_step"] ?? "") else {
                throw ModelError.badCheckpoint(path: optPath, detail: "optimizer state is not from step \(state.step)")
            }
            let model = try SafeTensors.read(dir + "/model.safetensors")
            guard model.metadata["step"] == String(state.step) else {
                throw ModelError.badCheckpoint(path: dir + "/model.safetensors", detail: "weights are not from step \(state.step)")
            }
            try opt.copyFloats("m", shape: [n], into: trainer.optimizer.m.pointer)
            try opt.copyFloats("v", shape: [n], into: trainer.optimizer.v.pointer)
            trainer.optimizer.step = adamStep
            var carried: [String: [Float]] = [:]
            for name in opt.names where name.hasPrefix("carried.") {
                carried[String(name.dropFirst("carried.".count))] = try opt.floats(name)
            }
            try trainer.model.restoreCarriedState(carried)
        } catch let e as SafeTensorsError {
            throw ModelError.badCheckpoint(path: optPath, detail: e.description)
        }
        let words = state.rng.compactMap { UInt64($0) }
        guard words.count == 4 else { throw ModelError.badCheckpoint(path: statePath, detail: "rng state must be 4 integers") }
        guard state.step >= 0, state.position >= 0, state.position <= trainer.train.count else {
            throw ModelError.badCheckpoint(
                path: statePath,
                detail:
                    "step \(state.step) and position \(state.position) must be ≥ 0 and the position within the \(trainer.train.count) training tokens"
            )
        }
        trainer.step = state.step
        trainer.position = state.position
        trainer.rng = SeededGenerator(state: words)
    }

    /// The saved training options of a checkpoint; throws (naming the file) when the state is missing or corrupt.
    public static func trainingOptions(_ directory: String) throws -> TrainingOptions {
        let dir = try resolve(directory)
        let statePath = dir + "/trainer_state.json"
        guard let data = FileManager.default.contents(atPath: statePath) else {
            throw ModelError.badCheckpoint(path: dir, detail: "no trainer_state.json: this checkpoint cannot be resumed")
        }
        do { return try JSONDecoder().decode(TrainerState.self, from: data).options } catch {
            throw ModelError.badCheckpoint(path: statePath, detail: "corrupt trainer state: \(Checkpoint.decodingProblem(error))")
        }
    }

    /// The saved training options of a checkpoint, if it has trainer state.
    public static func savedOptions(_ directory: String) -> TrainingOptions? {
        guard let dir = try? resolve(directory), let data = FileManager.default.contents(atPath: dir + "/trainer_state.json") else {
            return nil
        }
        return (try? JSONDecoder().decode(TrainerState.self, from: data))?.options
    }

    /// A one-line account of why a JSON file did not decode (no Codable dump).
    public static func decodingProblem(_ error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "missing key \"\(key.stringValue)\" at \(path(context.codingPath))"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?: return "wrong type or null at \(path(context.codingPath))"
        case .dataCorrupted(let context)?:
            return context.codingPath.isEmpty ? "not valid JSON" : "invalid value at \(path(context.codingPath))"
        default: return "\(type(of: error))"
        }
    }
}
