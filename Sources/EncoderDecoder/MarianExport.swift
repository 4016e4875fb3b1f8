import ArtifactIO
import Foundation
import NeuralCore
import Tokenization

/// Writes a Transformer translation model as a Hugging Face `MarianMTModel` directory
/// (`config.json`, `model.safetensors`, and with a tokenizer `tokenizer.json` +
/// `tokenizer_config.json` + `special_tokens_map.json` for `PreTrainedTokenizerFast`).
///
/// Marian's model is the paper's: post-LN, √d-scaled embeddings shared by the encoder, the decoder
/// and the tied output layer, sinusoidal positions, ReLU (or `gelu_new`) FFN, layer-norm ε 1e-5.
/// Its sinusoidal table is laid out `[sin | cos]` (all sines, then all cosines) while Tessera's
/// interleaves them (`sin, cos, sin, cos, …`) with the same frequencies; the export therefore
/// permutes the model's width — residual dimension `2i` becomes `i`, `2i + 1` becomes `C/2 + i` —
/// in every tensor that reads or writes the residual stream (embeddings, attention input
/// columns and output rows, FFN input columns and output rows, layer norms). The network is the
/// same function of the token ids, so logits are unchanged. `q|k|v` and `k|v` are unpacked into
/// `q_proj`, `k_proj`, `v_proj`; `final_logits_bias` is zero. The decoder starts from `<bos>`
/// (`decoder_start_token_id`).
public enum MarianExport {
    /// Throws a one-line error naming the first option `MarianMTModel` cannot express.
    public static func check(_ config: Seq2SeqConfig) throws(Seq2SeqError) {
        guard config.architecture == .transformer else {
            throw .invalidConfig(
                "architecture \(config.architecture.rawValue): MarianMTModel is a Transformer; only --arch transformer exports to hf-marian"
            )
        }
        guard config.norm == .post else {
            throw .invalidConfig("norm \(config.norm.rawValue): MarianMTModel is post-LN only (train with --norm post to export)")
        }
        guard config.layerNormEpsilon == 1e-5 else {
            throw .invalidConfig("layerNormEpsilon \(config.layerNormEpsilon): MarianMTModel's layer norms use 1e-5")
        }
    }

    /// `activation_function` for the config's FFN activation.
    static func activationName(_ activation: Activation) -> String {
        activation == .relu ? "relu" : "gelu_new"
    }

    /// The `config.json` object.
    public static func configuration(_ config: Seq2SeqConfig) -> [String: Any] {
        [
            "architectures": ["MarianMTModel"], "model_type": "marian", "vocab_size": config.vocabSize,
            "decoder_vocab_size": config.vocabSize, "d_model": config.dim, "encoder_layers": config.encoderLayers,
            "decoder_layers": config.decoderLayers, "encoder_attention_heads": config.heads,
            "decoder_attention_heads": config.heads, "encoder_ffn_dim": config.ffnDim, "decoder_ffn_dim": config.ffnDim,
            "activation_function": activationName(config.activation), "max_position_embeddings": config.positions,
            "scale_embedding": true, "share_encoder_decoder_embeddings": true, "tie_word_embeddings": true,
            "pad_token_id": Int(config.padID), "eos_token_id": Int(config.eosID), "bos_token_id": Int(config.bosID),
            "decoder_start_token_id": Int(config.bosID), "forced_eos_token_id": Int(config.eosID),
            "dropout": 0.0, "attention_dropout": 0.0, "activation_dropout": 0.0, "encoder_layerdrop": 0.0,
            "decoder_layerdrop": 0.0, "init_std": 0.02, "is_encoder_decoder": true, "use_cache": true,
            "num_hidden_layers": config.encoderLayers, "torch_dtype": "float32",
        ]
    }

    /// The model's tensors with Hugging Face Marian's names, values permuted as described above.
    public static func tensors(_ model: Seq2SeqTransformer) throws(Seq2SeqError) -> [(name: String, shape: [Int], values: [Float])] {
        let config = model.config
        try check(config)
        let C = config.dim
        // HF dimension h holds Tessera dimension sigma[h].
        let sigma = (0..<C).map { $0 < C / 2 ? 2 * $0 : 2 * ($0 - C / 2) + 1 }
        var entries: [String: (shape: [Int], values: [Float])] = [:]
        for entry in model.layout.entries {
            entries[entry.name] = (
                entry.shape, Array(UnsafeBufferPointer(start: model.parameters.pointer + entry.offset, count: entry.count))
            )
        }
        func tensor(_ name: String) -> (shape: [Int], values: [Float]) { entries[name] ?? ([0], []) }
        /// Rows `rows` of a `[R, cols]` matrix, optionally with permuted columns and/or permuted rows.
        func matrix(_ name: String, rows: Range<Int>, permuteColumns: Bool, permuteRows: Bool) -> (shape: [Int], values: [Float]) {
            let t = tensor(name), cols = t.shape.count == 2 ? t.shape[1] : 1
            var out = [Float](repeating: 0, count: rows.count * cols)
            for r in 0..<rows.count {
                let source = rows.lowerBound + (permuteRows ? sigma[r] : r)
                for c in 0..<cols { out[r * cols + c] = t.values[source * cols + (permuteColumns ? sigma[c] : c)] }
            }
            return (t.shape.count == 2 ? [rows.count, cols] : [rows.count], out)
        }
        func vector(_ name: String, range: Range<Int>, permute: Bool) -> (shape: [Int], values: [Float]) {
            let t = tensor(name)
            return ([range.count], (0..<range.count).map { t.values[range.lowerBound + (permute ? sigma[$0] : $0)] })
        }
        var out: [(name: String, shape: [Int], values: [Float])] = []
        func add(_ name: String, _ t: (shape: [Int], values: [Float])) { out.append((name, t.shape, t.values)) }
        add("model.shared.weight", matrix("shared.weight", rows: 0..<config.vocabSize, permuteColumns: true, permuteRows: false))
        func attention(_ hf: String, _ tessera: String, packedQKV: Bool) {
            let names = ["q_proj", "k_proj", "v_proj"]
            for (i, proj) in names.enumerated() {
                let (weight, bias, row) =
                    packedQKV
                    ? (tessera + ".qkv.weight", tessera + ".qkv.bias", i * C)
                    : (
                        i == 0 ? tessera + ".q.weight" : tessera + ".kv.weight", i == 0 ? tessera + ".q.bias" : tessera + ".kv.bias",
                        i == 0 ? 0 : (i - 1) * C
                    )
                add("\(hf).\(proj).weight", matrix(weight, rows: row..<(row + C), permuteColumns: true, permuteRows: false))
                add("\(hf).\(proj).bias", vector(bias, range: row..<(row + C), permute: false))
            }
            add("\(hf).out_proj.weight", matrix(tessera + ".out.weight", rows: 0..<C, permuteColumns: false, permuteRows: true))
            add("\(hf).out_proj.bias", vector(tessera + ".out.bias", range: 0..<C, permute: true))
        }
        func norm(_ hf: String, _ tessera: String) {
            add(hf + ".weight", vector(tessera + ".weight", range: 0..<C, permute: true))
            add(hf + ".bias", vector(tessera + ".bias", range: 0..<C, permute: true))
        }
        func ffn(_ hf: String, _ tessera: String) {
            add(hf + "fc1.weight", matrix(tessera + ".fc1.weight", rows: 0..<config.ffnDim, permuteColumns: true, permuteRows: false))
            add(hf + "fc1.bias", vector(tessera + ".fc1.bias", range: 0..<config.ffnDim, permute: false))
            add(hf + "fc2.weight", matrix(tessera + ".fc2.weight", rows: 0..<C, permuteColumns: false, permuteRows: true))
            add(hf + "fc2.bias", vector(tessera + ".fc2.bias", range: 0..<C, permute: true))
        }
        for l in 0..<config.encoderLayers {
            let hf = "model.encoder.layers.\(l).", t = "encoder.layers.\(l)."
            attention(hf + "self_attn", t + "self_attn", packedQKV: true)
            norm(hf + "self_attn_layer_norm", t + "self_attn_layer_norm")
            ffn(hf, "encoder.layers.\(l)")
            norm(hf + "final_layer_norm", t + "final_layer_norm")
        }
        for l in 0..<config.decoderLayers {
            let hf = "model.decoder.layers.\(l).", t = "decoder.layers.\(l)."
            attention(hf + "self_attn", t + "self_attn", packedQKV: true)
            norm(hf + "self_attn_layer_norm", t + "self_attn_layer_norm")
            attention(hf + "encoder_attn", t + "encoder_attn", packedQKV: false)
            norm(hf + "encoder_attn_layer_norm", t + "encoder_attn_layer_norm")
            ffn(hf, "decoder.layers.\(l)")
            norm(hf + "final_layer_norm", t + "final_layer_norm")
        }
        add("final_logits_bias", ([1, config.vocabSize], [Float](repeating: 0, count: config.vocabSize)))
        return out
    }

    /// Writes the directory's files (the directory must exist); each file is written atomically.
    public static func write(_ model: Seq2SeqTransformer, tokenizer: Tokenizer?, to directory: String) throws {
        let tensors = try tensors(model)
        var weights = SafeTensors()
        for t in tensors { weights.add(t.name, shape: t.shape, floats: t.values) }
        weights.metadata = ["format": "pt"]
        try weights.write(to: directory + "/model.safetensors")
        let json = try JSONSerialization.data(withJSONObject: configuration(model.config), options: [.prettyPrinted, .sortedKeys])
        try AtomicFileWriter.write(Array(json), to: directory + "/config.json")
        guard let tokenizer else { return }
        try tokenizer.save(to: directory + "/tokenizer.json")
        let specials: [String: Any] = [
            "pad_token": TranslationVocabulary.padToken, "bos_token": TranslationVocabulary.bosToken,
            "eos_token": TranslationVocabulary.eosToken,
        ]
        var tokenizerConfig = specials
        tokenizerConfig["tokenizer_class"] = "PreTrainedTokenizerFast"
        tokenizerConfig["model_max_length"] = model.config.maxSourceLength
        for (name, object) in [("tokenizer_config.json", tokenizerConfig), ("special_tokens_map.json", specials)] {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            try AtomicFileWriter.write(Array(data), to: directory + "/" + name)
        }
    }
}
