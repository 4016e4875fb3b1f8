import ArtifactIO
import Foundation
import TensorOps

/// Hugging Face `BertForMaskedLM` / `BertForPreTraining` / `BertForSequenceClassification`
/// directories (`config.json` + `model.safetensors`): export and import.
///
/// Tessera's BERT tensors already carry Hugging Face's names, so export writes them unchanged
/// (the decoder is tied to `bert.embeddings.word_embeddings.weight`, and
/// `cls.predictions.decoder.bias` is `cls.predictions.bias`), and import reads them back by name.
public enum BertHuggingFace {
    /// The Tessera config described by a Hugging Face BERT `config.json` (MLM head only; the caller
    /// adds NSP or classification). Throws, naming the field, for what Tessera's BERT cannot express.
    public static func config(fromJSON data: Data, source: String) throws -> BertConfig {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw MaskedLMError.invalidOption("\(source): not a JSON object")
        }
        func int(_ key: String) throws -> Int {
            guard let v = json[key] as? Int else { throw MaskedLMError.invalidOption("\(source): \(key) must be an integer") }
            return v
        }
        if let type = json["model_type"] as? String, type != "bert" {
            throw MaskedLMError.invalidOption("\(source): model_type \"\(type)\" is not \"bert\"")
        }
        if let positions = json["position_embedding_type"] as? String, positions != "absolute" {
            throw MaskedLMError.invalidOption("\(source): position_embedding_type \"\(positions)\" is not supported (only \"absolute\")")
        }
        let actName = json["hidden_act"] as? String ?? "gelu"
        guard let activation = BertActivation(rawValue: actName) else {
            throw MaskedLMError.invalidOption("\(source): hidden_act \"\(actName)\" is not supported (gelu, gelu_new, relu)")
        }
        var config = BertConfig(
            vocabSize: try int("vocab_size"), maxPositions: try int("max_position_embeddings"),
            layers: try int("num_hidden_layers"), heads: try int("num_attention_heads"), dim: try int("hidden_size"),
            ffnDim: try int("intermediate_size"), typeVocabSize: json["type_vocab_size"] as? Int ?? 2, norm: .post,
            activation: activation)
        if let eps = json["layer_norm_eps"] as? Double { config.layerNormEpsilon = Float(eps) }
        try config.validate()
        return config
    }

    /// Hugging Face's `config.json` for `config`; throws for options BERT cannot express.
    public static func configJSON(_ config: BertConfig, padTokenID: Int) throws -> Data {
        if config.norm == .pre {
            throw MaskedLMError.invalidOption(
                "Hugging Face BERT is post-LN; a pre-LN model (norm: pre) cannot be exported as BertForMaskedLM")
        }
        var json: [String: Any] = [
            "model_type": "bert", "vocab_size": config.vocabSize, "hidden_size": config.dim, "num_hidden_layers": config.layers,
            "num_attention_heads": config.heads, "intermediate_size": config.ffnDim, "max_position_embeddings": config.maxPositions,
            "type_vocab_size": config.typeVocabSize, "hidden_act": config.activation.rawValue,
            "layer_norm_eps": Double(config.layerNormEpsilon),
            "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0, "initializer_range": 0.02, "pad_token_id": padTokenID,
            "position_embedding_type": "absolute", "tie_word_embeddings": true, "torch_dtype": "float32",
        ]
        if config.classLabels.isEmpty {
            json["architectures"] = [config.nextSentencePrediction ? "BertForPreTraining" : "BertForMaskedLM"]
        } else {
            json["architectures"] = ["BertForSequenceClassification"]
            var id2label: [String: String] = [:], label2id: [String: Int] = [:]
            for (i, l) in config.classLabels.enumerated() { id2label[String(i)] = l; label2id[l] = i }
            json["id2label"] = id2label
            json["label2id"] = label2id
            json["num_labels"] = config.classLabels.count
        }
        return try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
    }

    /// The model's tensors under Hugging Face's names (F32).
    public static func tensors(of model: BertModel) -> SafeTensors {
        var file = SafeTensors()
        for e in model.layout.parameters.entries { file.add(e.name, shape: e.shape, pointer: model.parameters.pointer + e.offset) }
        file.metadata = ["format": "pt"]
        return file
    }

    /// Writes `config.json` and `model.safetensors` into `directory` (created if needed).
    public static func export(_ model: BertModel, padTokenID: Int, to directory: String) throws {
        let config = try configJSON(model.config, padTokenID: padTokenID)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try config.write(to: URL(fileURLWithPath: directory + "/config.json"), options: .atomic)
        try tensors(of: model).write(to: directory + "/model.safetensors")
    }

    /// Loads a Hugging Face BERT directory. The NSP head is kept when `cls.seq_relationship.*` is
    /// present, a classification head when `classifier.*` is (labels from `id2label`). Tensors of a
    /// bare `BertModel` (without the `bert.` prefix) are accepted. Throws naming a missing tensor.
    public static func load(directory: String, threads: Int = 1) throws -> BertModel {
        let configPath = directory + "/config.json"
        guard let data = FileManager.default.contents(atPath: configPath) else {
            throw MaskedLMError.invalidOption(
                "\(configPath): missing (a Hugging Face BERT directory has config.json and model.safetensors)")
        }
        var config = try self.config(fromJSON: data, source: configPath)
        let file = try SafeTensors.read(directory + "/model.safetensors")
        let names = Set(file.names)
        config.nextSentencePrediction = names.contains("cls.seq_relationship.weight")
        if names.contains("classifier.weight") {
            let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            let id2label = json?["id2label"] as? [String: String] ?? [:]
            let count = try file.tensor("classifier.weight").shape.first ?? 0
            config.classLabels = (0..<count).map { id2label[String($0)] ?? "LABEL_\($0)" }
        }
        let model = try BertModel(config: config, threads: threads)
        for e in model.layout.parameters.entries {
            var name = e.name
            if !names.contains(name), name.hasPrefix("bert."), names.contains(String(name.dropFirst(5))) {
                name = String(name.dropFirst(5))
            }
            guard names.contains(name) else {
                throw MaskedLMError.invalidOption("\(directory)/model.safetensors: missing tensor \(e.name)")
            }
            try file.copyFloats(name, shape: e.shape, into: model.parameters.pointer + e.offset)
        }
        return model
    }
}
