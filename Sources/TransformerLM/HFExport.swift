import ArtifactIO
import Foundation
import NeuralCore

/// Export to the Hugging Face `GPT2LMHeadModel` layout (`config.json` + `model.safetensors` with
/// GPT-2 tensor names; Conv1D weights stored `[in, out]`).
public enum HFExport {
    /// Throws NeuralCore's `ModelError.notExportable` naming the first option that is not GPT-2-shaped.
    public static func checkGPT2Shaped(_ c: ModelConfig) throws {
        if c.norm != .pre { throw ModelError.notExportable("norm \(c.norm.rawValue): GPT-2 uses pre-LN (norm pre)") }
        if c.activation != .gelu {
            throw ModelError.notExportable("activation \(c.activation.rawValue): GPT-2 uses GELU (activation gelu)")
        }
        if c.ffn != .dense { throw ModelError.notExportable("ffn \(c.ffn.rawValue): GPT-2 has a dense FFN (ffn dense)") }
        if !c.tieEmbeddings { throw ModelError.notExportable("tieEmbeddings false: GPT-2 ties its output head to the token embeddings") }
    }

    /// Writes `directory/config.json` and `directory/model.safetensors` (`GPT2LMHeadModel`).
    ///
    /// Sinusoidal positions become the `wpe` table. Their √dim factor on token embeddings is folded
    /// into `wte` (×√dim) and, for the tied head, undone by dividing the final layer norm's weight
    /// and bias by √dim — the same function, written in GPT-2's parameters.
    public static func write(_ model: TransformerModel, to directory: String, eosTokenID: Int?) throws {
        try checkGPT2Shaped(model.config)
        var config = configDictionary(model.config, architecture: "GPT2LMHeadModel")
        if let eos = eosTokenID { config["bos_token_id"] = eos; config["eos_token_id"] = eos }
        try write(config: config, tensors: tensors(of: model), to: directory)
    }

    /// Writes a fine-tuned ``LastTokenClassifier`` as `GPT2ForSequenceClassification`: the
    /// Transformer's tensors as ``write(_:to:eosTokenID:)`` writes them, `score.weight`, and the
    /// labels as `id2label`/`label2id`.
    ///
    /// transformers pools each row at its last token that is not `pad_token_id`; Tessera's texts are
    /// encoded without special tokens, so the end-of-text id (GPT-2's own choice of pad) never occurs
    /// inside one and right-padding with it gives Tessera's logits. Without `padTokenID` the config
    /// has no pad id and transformers classifies one unpadded text at a time. With sinusoidal
    /// positions the final layer norm is divided by √dim (see above), so the score head is
    /// multiplied by √dim: the logits are unchanged.
    public static func writeSequenceClassifier(_ classifier: LastTokenClassifier, to directory: String, padTokenID: Int?) throws {
        let model = classifier.model, c = model.config
        try checkGPT2Shaped(c)
        var config = configDictionary(c, architecture: "GPT2ForSequenceClassification")
        var id2label: [String: String] = [:], label2id: [String: Int] = [:]
        for (i, label) in classifier.labels.enumerated() { id2label[String(i)] = label; label2id[label] = i }
        config["id2label"] = id2label
        config["label2id"] = label2id
        config["num_labels"] = classifier.labels.count
        config["problem_type"] = "single_label_classification"
        if let pad = padTokenID {
            // transformers embeds the padding too, so the pad id must be a row of `wte`.
            guard (0..<c.vocabSize).contains(pad) else {
                throw ModelError.notExportable("pad token id \(pad) is outside the vocabulary of \(c.vocabSize)")
            }
            config["pad_token_id"] = pad; config["bos_token_id"] = pad; config["eos_token_id"] = pad
        }
        var file = tensors(of: model)
        let scale = c.embeddingScale
        file.add(
            LastTokenClassifier.scoreName, shape: [classifier.labels.count, c.dim],
            floats: (0..<classifier.score.count).map { classifier.score.pointer[$0] * scale })
        try write(config: config, tensors: file, to: directory)
    }

    /// The Transformer's tensors under GPT-2's names, in GPT-2's parametrization (Conv1D `[in, out]`
    /// weights; √dim of sinusoidal positions folded into `wte` and `ln_f`).
    static func tensors(of model: TransformerModel) -> SafeTensors {
        let c = model.config
        let C = c.dim, F = c.ffnDim, L = model.layout
        var file = SafeTensors()
        file.metadata = ["format": "pt"]
        func add(_ name: String, _ offset: Int, _ shape: [Int]) { file.add(name, shape: shape, pointer: model.parameters.pointer + offset) }
        func addTransposed(_ name: String, _ offset: Int, rows: Int, cols: Int) {
            // our [rows=out, cols=in] → Conv1D [in, out]
            let src = model.parameters.pointer + offset
            var t = [Float](repeating: 0, count: rows * cols)
            for r in 0..<rows { for k in 0..<cols { t[k * rows + r] = src[r * cols + k] } }
            file.add(name, shape: [cols, rows], floats: t)
        }
        let scale = c.embeddingScale
        func addScaled(_ name: String, _ offset: Int, _ shape: [Int], _ factor: Float) {
            let n = shape.reduce(1, *)
            file.add(name, shape: shape, floats: (0..<n).map { model.parameters.pointer[offset + $0] * factor })
        }
        addScaled("transformer.wte.weight", L.wte, [c.vocabSize, C], scale)
        if let wpe = L.wpe {
            add("transformer.wpe.weight", wpe, [c.contextLength, C])
        } else {
            let table = SinusoidalPositions.table(context: c.contextLength, dim: C)
            file.add("transformer.wpe.weight", shape: [c.contextLength, C], pointer: table.pointer)
        }
        for (l, b) in L.blocks.enumerated() {
            let p = "transformer.h.\(l)."
            add(p + "ln_1.weight", b.ln1w, [C]); add(p + "ln_1.bias", b.ln1b, [C])
            addTransposed(p + "attn.c_attn.weight", b.qkvw, rows: 3 * C, cols: C); add(p + "attn.c_attn.bias", b.qkvb, [3 * C])
            addTransposed(p + "attn.c_proj.weight", b.projw, rows: C, cols: C); add(p + "attn.c_proj.bias", b.projb, [C])
            add(p + "ln_2.weight", b.ln2w, [C]); add(p + "ln_2.bias", b.ln2b, [C])
            addTransposed(p + "mlp.c_fc.weight", b.fcw, rows: F, cols: C); add(p + "mlp.c_fc.bias", b.fcb, [F])
            addTransposed(p + "mlp.c_proj.weight", b.fc2w, rows: C, cols: F); add(p + "mlp.c_proj.bias", b.fc2b, [C])
        }
        if let lnfw = L.lnfw, let lnfb = L.lnfb {
            addScaled("transformer.ln_f.weight", lnfw, [C], 1 / scale); addScaled("transformer.ln_f.bias", lnfb, [C], 1 / scale)
        }
        return file
    }

    /// GPT-2's `config.json` fields for `c` (dropout off: an export is for inference and parity).
    static func configDictionary(_ c: ModelConfig, architecture: String) -> [String: Any] {
        [
            "architectures": [architecture], "model_type": "gpt2", "vocab_size": c.vocabSize,
            "n_positions": c.contextLength, "n_ctx": c.contextLength, "n_embd": c.dim, "n_layer": c.layers, "n_head": c.heads,
            "n_inner": c.ffnDim, "activation_function": "gelu_new", "layer_norm_epsilon": Double(c.layerNormEpsilon),
            "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0, "summary_first_dropout": 0.0, "initializer_range": 0.02,
            "scale_attn_weights": true, "tie_word_embeddings": true, "use_cache": true, "torch_dtype": "float32",
        ]
    }

    private static func write(config: [String: Any], tensors file: SafeTensors, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let json = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        try json.write(to: URL(fileURLWithPath: directory + "/config.json"), options: .atomic)
        try file.write(to: directory + "/model.safetensors")
    }
}
