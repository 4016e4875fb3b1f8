import NeuralCore

extension Seq2SeqTransformer {
    /// Offsets of a layer norm's weight and bias.
    struct NormOffsets {
        let weight: Int, bias: Int
        init(_ layout: inout ParameterLayout, _ name: String, _ C: Int) {
            weight = layout.add(name + ".weight", [C])
            bias = layout.add(name + ".bias", [C])
        }
    }

    /// Offsets of a self-attention block: packed `q|k|v` projection and output projection.
    struct SelfAttentionOffsets {
        let qkvWeight: Int, qkvBias: Int, outWeight: Int, outBias: Int
        init(_ layout: inout ParameterLayout, _ name: String, _ C: Int) {
            qkvWeight = layout.add(name + ".qkv.weight", [3 * C, C])
            qkvBias = layout.add(name + ".qkv.bias", [3 * C])
            outWeight = layout.add(name + ".out.weight", [C, C])
            outBias = layout.add(name + ".out.bias", [C])
        }
    }

    /// Offsets of a cross-attention block: query projection of the decoder state, packed `k|v`
    /// projection of the encoder output, output projection.
    struct CrossAttentionOffsets {
        let qWeight: Int, qBias: Int, kvWeight: Int, kvBias: Int, outWeight: Int, outBias: Int
        init(_ layout: inout ParameterLayout, _ name: String, _ C: Int) {
            qWeight = layout.add(name + ".q.weight", [C, C])
            qBias = layout.add(name + ".q.bias", [C])
            kvWeight = layout.add(name + ".kv.weight", [2 * C, C])
            kvBias = layout.add(name + ".kv.bias", [2 * C])
            outWeight = layout.add(name + ".out.weight", [C, C])
            outBias = layout.add(name + ".out.bias", [C])
        }
    }

    /// Offsets of a position-wise FFN.
    struct FFNOffsets {
        let w1: Int, b1: Int, w2: Int, b2: Int
        init(_ layout: inout ParameterLayout, _ name: String, _ C: Int, _ F: Int) {
            w1 = layout.add(name + ".fc1.weight", [F, C])
            b1 = layout.add(name + ".fc1.bias", [F])
            w2 = layout.add(name + ".fc2.weight", [C, F])
            b2 = layout.add(name + ".fc2.bias", [C])
        }
    }

    /// One encoder block.
    struct EncoderLayerOffsets {
        let selfAttention: SelfAttentionOffsets, selfNorm: NormOffsets, ffn: FFNOffsets, ffnNorm: NormOffsets
    }

    /// One decoder block.
    struct DecoderLayerOffsets {
        let selfAttention: SelfAttentionOffsets, selfNorm: NormOffsets
        let crossAttention: CrossAttentionOffsets, crossNorm: NormOffsets
        let ffn: FFNOffsets, ffnNorm: NormOffsets
    }

    /// Every tensor of the model, in layout order. Names follow the Marian/BART convention of
    /// Hugging Face (`shared`, `encoder.layers.N.self_attn…`), with `q|k|v` packed.
    struct Offsets {
        let shared: Int
        let encoder: [EncoderLayerOffsets]
        let decoder: [DecoderLayerOffsets]
        let encoderFinalNorm: NormOffsets?
        let decoderFinalNorm: NormOffsets?

        init(config: Seq2SeqConfig, layout: inout ParameterLayout) {
            let C = config.dim, F = config.ffnDim
            shared = layout.add("shared.weight", [config.vocabSize, C])
            encoder = (0..<config.encoderLayers).map { l in
                let p = "encoder.layers.\(l)."
                return EncoderLayerOffsets(
                    selfAttention: SelfAttentionOffsets(&layout, p + "self_attn", C),
                    selfNorm: NormOffsets(&layout, p + "self_attn_layer_norm", C),
                    ffn: FFNOffsets(&layout, p.dropLast().description, C, F),
                    ffnNorm: NormOffsets(&layout, p + "final_layer_norm", C))
            }
            decoder = (0..<config.decoderLayers).map { l in
                let p = "decoder.layers.\(l)."
                return DecoderLayerOffsets(
                    selfAttention: SelfAttentionOffsets(&layout, p + "self_attn", C),
                    selfNorm: NormOffsets(&layout, p + "self_attn_layer_norm", C),
                    crossAttention: CrossAttentionOffsets(&layout, p + "encoder_attn", C),
                    crossNorm: NormOffsets(&layout, p + "encoder_attn_layer_norm", C),
                    ffn: FFNOffsets(&layout, p.dropLast().description, C, F),
                    ffnNorm: NormOffsets(&layout, p + "final_layer_norm", C))
            }
            encoderFinalNorm = config.norm == .pre ? NormOffsets(&layout, "encoder.layer_norm", C) : nil
            decoderFinalNorm = config.norm == .pre ? NormOffsets(&layout, "decoder.layer_norm", C) : nil
        }
    }
}
