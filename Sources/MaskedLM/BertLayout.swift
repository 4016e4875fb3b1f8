import NeuralCore

/// Where each BERT tensor lives in the flat parameter buffer. Tensors carry Hugging Face's
/// `BertForPreTraining` / `BertForSequenceClassification` names, so a checkpoint is readable by
/// name and export is a renaming-free copy. Query, key and value of a block are stored back to
/// back (weights `[3C, C]`, then biases `[3C]`) so one matmul projects all three.
public struct BertLayout: Sendable {
    /// Offsets of one encoder block.
    public struct Block: Sendable {
        /// `query | key | value` weights `[3C, C]` and biases `[3C]`.
        public var qkvWeight = 0, qkvBias = 0
        /// Attention output projection and its layer norm (`attention.output.LayerNorm`).
        public var projWeight = 0, projBias = 0, attentionNormWeight = 0, attentionNormBias = 0
        /// FFN (`intermediate.dense`, `output.dense`) and its layer norm (`output.LayerNorm`).
        public var fcWeight = 0, fcBias = 0, fc2Weight = 0, fc2Bias = 0, outputNormWeight = 0, outputNormBias = 0
    }

    /// The named tensors.
    public private(set) var parameters = ParameterLayout()
    /// Embeddings: tokens `[V, C]` (also the MLM decoder), positions `[P, C]`, segments `[S, C]`, layer norm.
    public private(set) var wordEmbeddings = 0, positionEmbeddings = 0, typeEmbeddings = 0, embeddingNormWeight = 0, embeddingNormBias = 0
    /// Blocks.
    public private(set) var blocks: [Block] = []
    /// Final layer norm (pre-LN only).
    public private(set) var finalNormWeight: Int?, finalNormBias: Int?
    /// MLM head: transform dense `[C, C]`, its layer norm, decoder bias `[V]`.
    public private(set) var transformWeight = 0, transformBias = 0, transformNormWeight = 0, transformNormBias = 0, decoderBias = 0
    /// Pooler `[C, C]` (NSP or classification).
    public private(set) var poolerWeight: Int?, poolerBias: Int?
    /// NSP head `[2, C]`.
    public private(set) var nspWeight: Int?, nspBias: Int?
    /// Classification head `[K, C]`.
    public private(set) var classifierWeight: Int?, classifierBias: Int?

    /// The layout of `config`.
    public init(config c: BertConfig) {
        let C = c.dim, F = c.ffnDim
        wordEmbeddings = parameters.add("bert.embeddings.word_embeddings.weight", [c.vocabSize, C])
        positionEmbeddings = parameters.add("bert.embeddings.position_embeddings.weight", [c.maxPositions, C])
        typeEmbeddings = parameters.add("bert.embeddings.token_type_embeddings.weight", [c.typeVocabSize, C])
        embeddingNormWeight = parameters.add("bert.embeddings.LayerNorm.weight", [C])
        embeddingNormBias = parameters.add("bert.embeddings.LayerNorm.bias", [C])
        for l in 0..<c.layers {
            let p = "bert.encoder.layer.\(l)."
            var b = Block()
            b.qkvWeight = parameters.add(p + "attention.self.query.weight", [C, C])
            parameters.add(p + "attention.self.key.weight", [C, C])
            parameters.add(p + "attention.self.value.weight", [C, C])
            b.qkvBias = parameters.add(p + "attention.self.query.bias", [C])
            parameters.add(p + "attention.self.key.bias", [C])
            parameters.add(p + "attention.self.value.bias", [C])
            b.projWeight = parameters.add(p + "attention.output.dense.weight", [C, C])
            b.projBias = parameters.add(p + "attention.output.dense.bias", [C])
            b.attentionNormWeight = parameters.add(p + "attention.output.LayerNorm.weight", [C])
            b.attentionNormBias = parameters.add(p + "attention.output.LayerNorm.bias", [C])
            b.fcWeight = parameters.add(p + "intermediate.dense.weight", [F, C])
            b.fcBias = parameters.add(p + "intermediate.dense.bias", [F])
            b.fc2Weight = parameters.add(p + "output.dense.weight", [C, F])
            b.fc2Bias = parameters.add(p + "output.dense.bias", [C])
            b.outputNormWeight = parameters.add(p + "output.LayerNorm.weight", [C])
            b.outputNormBias = parameters.add(p + "output.LayerNorm.bias", [C])
            blocks.append(b)
        }
        if c.norm == .pre {
            finalNormWeight = parameters.add("bert.encoder.final_layer_norm.weight", [C])
            finalNormBias = parameters.add("bert.encoder.final_layer_norm.bias", [C])
        }
        if c.hasPooler {
            poolerWeight = parameters.add("bert.pooler.dense.weight", [C, C])
            poolerBias = parameters.add("bert.pooler.dense.bias", [C])
        }
        transformWeight = parameters.add("cls.predictions.transform.dense.weight", [C, C])
        transformBias = parameters.add("cls.predictions.transform.dense.bias", [C])
        transformNormWeight = parameters.add("cls.predictions.transform.LayerNorm.weight", [C])
        transformNormBias = parameters.add("cls.predictions.transform.LayerNorm.bias", [C])
        decoderBias = parameters.add("cls.predictions.bias", [c.vocabSize])
        if c.nextSentencePrediction {
            nspWeight = parameters.add("cls.seq_relationship.weight", [2, C])
            nspBias = parameters.add("cls.seq_relationship.bias", [2])
        }
        if !c.classLabels.isEmpty {
            classifierWeight = parameters.add("classifier.weight", [c.classLabels.count, C])
            classifierBias = parameters.add("classifier.bias", [c.classLabels.count])
        }
    }
}
