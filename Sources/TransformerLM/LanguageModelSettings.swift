import NeuralCore

/// What a user chooses for a GPT language model and its training, with the one set of defaults
/// that `tessera train-lm` and the pipeline's `lm` stage share, and the ``ModelConfig`` and
/// `TrainingOptions` they make.
///
/// The defaults are the pipeline's demo model (see README, "Defaults"): 4 layers, 4 heads,
/// dim 128, FFN 512, context 128, learned positions, pre-LN, GELU, dense FFN, tied embeddings,
/// no dropout; batch 16, 1,500 steps of windows at random offsets, peak learning rate 0.002 with 100 warm-up steps and a cosine
/// decay, weight decay 0.1, clip 1.0, seed 1, validation every 100 steps, a checkpoint every 250.
///
/// ```swift
/// var settings = LanguageModelSettings()
/// settings.steps = 3000
/// let model = try TransformerModel(config: settings.modelConfig(vocabularySize: 4096))
/// let options = settings.trainingOptions()
/// ```
public struct LanguageModelSettings: Codable, Sendable, Equatable {
    /// Transformer blocks. Default: 4.
    public var layers = 4
    /// Attention heads. Default: 4.
    public var heads = 4
    /// Model width (and the Word2Vec vector size in the pipeline). Default: 128.
    public var dim = 128
    /// Feed-forward width. Default: 512 (4 × the default dim).
    public var ffnDim = 512
    /// Context length in tokens. Default: 128.
    public var context = 128
    /// Sequences per step. Default: 16.
    public var batch = 16
    /// Optimizer steps (the schedule's length). Default: 1500.
    public var steps = 1500
    /// Peak learning rate. Default: 0.002.
    public var lr = 0.002
    /// Linear warm-up steps. Default: 100.
    public var warmup = 100
    /// AdamW decoupled weight decay (matrices only). Default: 0.1.
    public var weightDecay = 0.1
    /// Global gradient-norm clip (0: off). Default: 1.0.
    public var clip = 1.0
    /// Dropout probability on the attention and FFN outputs. Default: 0 (with 0.1 the demo's
    /// validation loss was 4.94 after 1,500 steps, against 4.8 without).
    public var dropout = 0.0
    /// How positions enter the model. Default: learned.
    public var positions: ModelConfig.Positions = .learned
    /// Layer-norm placement. Default: pre.
    public var norm: ModelConfig.Norm = .pre
    /// FFN activation. Default: gelu.
    public var activation: ModelConfig.Activation = .gelu
    /// Dense FFN or mixture of experts. Default: dense.
    public var ffn: ModelConfig.FFN = .dense
    /// Experts, with `moe`. Default: 4.
    public var experts = 4
    /// Experts per token, with `moe`. Default: 2.
    public var topK = 2
    /// Share the token embedding with the output layer. Default: true.
    public var tieEmbeddings = true
    /// Validation loss every this many steps. Default: 100.
    public var evalEvery = 100
    /// Validation batches per evaluation. Default: 10.
    public var evalBatches = 10
    /// Checkpoint every this many steps (a run resumes from the last one). Default: 250.
    public var checkpointEvery = 250
    /// How training windows are cut from the token stream. Default: random (on the demo corpus
    /// the validation loss after 1,500 steps was 4.77 and still falling, against 4.86 and flat
    /// from step 1,300 with consecutive windows; README, "Defaults").
    public var windows: WindowSampling = .random
    /// Threads. Default: 2 (the CLI defaults to the number of cores).
    public var threads = 2
    /// Random seed of initialization and dropout. Default: 1.
    public var seed = 1

    /// Model family (`train-lm --arch`, the pipeline's `lm.arch`): the Transformer, or a recurrent
    /// rnn, lstm or gru, which reads `layers` (recurrent layers), `hidden`, `embedDim`, `projection`,
    /// `carryState`, `context`, `dropout` and `tieEmbeddings`, and none of the Transformer's
    /// shape options. Default: transformer.
    public var arch: LanguageModelArchitecture = .transformer
    /// Hidden units of every recurrent layer (rnn, lstm, gru; `train-lm --hidden`). Default: 256.
    public var hidden = 256
    /// Token-embedding width of a recurrent model (`train-lm --embed-dim`); 0: the hidden size.
    /// Default: 0.
    public var embedDim = 0
    /// A linear projection hidden → `embedDim` before a recurrent model's head
    /// (`train-lm --projection`). Default: false.
    public var projection = false
    /// Truncated backpropagation through time across windows: a recurrent model carries its state
    /// from one window to the next of the same stream lane (`train-lm --carry-state`). Default: false.
    public var carryState = false
    /// Recurrent models the pipeline also trains on the same tokens for the same wall time, their
    /// curves drawn beside the main model's (the `baselines` stage). Default: `["lstm"]`.
    public var baselines: [LanguageModelArchitecture] = [.lstm]

    /// The defaults.
    public init() {}

    /// The model these settings describe, for a vocabulary of `vocabularySize` ids.
    public func modelConfig(vocabularySize: Int) -> ModelConfig {
        ModelConfig(
            vocabSize: vocabularySize, contextLength: context, layers: layers, heads: heads, dim: dim, ffnDim: ffnDim,
            positions: positions, norm: norm, activation: activation, ffn: ffn, experts: experts, topK: topK,
            tieEmbeddings: tieEmbeddings, dropout: Float(dropout))
    }

    /// Width of the token embedding: `dim` for the Transformer, `embedDim` (or `hidden` when 0)
    /// for a recurrent model. The pipeline's Word2Vec vectors have this size.
    public var embeddingWidth: Int {
        arch == .transformer ? dim : (embedDim > 0 ? embedDim : hidden)
    }

    /// The training options these settings describe.
    public func trainingOptions() -> TrainingOptions {
        var options = TrainingOptions()
        options.batch = batch
        options.steps = steps
        options.learningRate = Float(lr)
        options.warmup = warmup
        options.weightDecay = Float(weightDecay)
        options.clip = Float(clip)
        options.seed = UInt64(max(seed, 0))
        options.evalInterval = evalEvery
        options.evalBatches = evalBatches
        options.checkpointInterval = checkpointEvery
        options.windows = windows
        return options
    }
}
