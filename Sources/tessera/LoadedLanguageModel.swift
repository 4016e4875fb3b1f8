import Foundation
import NeuralCore
import RecurrentLM
import TransformerLM

/// A model directory's model, of either family.
enum LoadedLanguageModel {
    case transformer(TransformerModel)
    case recurrent(RecurrentModel)

    /// The model as the training loop and the evaluator see it.
    var trainable: any TrainableModel {
        switch self {
        case .transformer(let m): m
        case .recurrent(let m): m
        }
    }

    /// The architecture name (`transformer`, `rnn`, `lstm`, `gru`).
    var arch: LMArchitecture {
        switch self {
        case .transformer: .transformer
        case .recurrent(let m): LMArchitecture(rawValue: m.config.arch.rawValue) ?? .transformer
        }
    }

    /// Vocabulary size.
    var vocabularySize: Int {
        switch self {
        case .transformer(let m): m.config.vocabSize
        case .recurrent(let m): m.config.vocabSize
        }
    }

    /// Loads the checkpoint in `directory`: a recurrent model when its `config.json` has an `arch`
    /// key (RecurrentConfig), the Transformer otherwise.
    static func load(_ directory: String, threads: Int) throws -> LoadedLanguageModel {
        let dir = try Checkpoint.resolve(directory)
        let path = dir + "/config.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError.badCheckpoint(path: path, detail: "missing config.json")
        }
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        if object?["arch"] != nil {
            return .recurrent(try Checkpoint.loadRecurrentModel(directory, threads: threads))
        }
        return .transformer(try Checkpoint.loadModel(directory, threads: threads))
    }
}
