import ArgumentParser
import Foundation
import NeuralCore
import TensorOps
import RecurrentLM
import Tokenization
import TransformerLM

/// `tessera train-lm`: trains a Transformer or a recurrent (RNN, LSTM, GRU) language model on a token shard.
struct TrainLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-lm",
        abstract: "Train a next-token Transformer, RNN, LSTM or GRU on llm.c token shards (CPU).",
        discussion: """
            Progress (step, loss, tokens/s, ETA) and validation loss go to standard error. The run \
            directory (-o) receives config.json, model.safetensors, tokenizer.json and the training \
            state (optimizer.safetensors, trainer_state.json) at every checkpoint; --resume continues \
            exactly where the last checkpoint stopped (bit-identical with --threads 1).

            --arch rnn|lstm|gru trains embedding → recurrent layers (--hidden, --layers; PyTorch's \
            cells and tensor names) → optional --projection → head; --context is the truncated-BPTT \
            window. Transformer-only options (--heads, --dim, --ffn-dim, --positions, --norm, \
            --activation, --ffn, --experts, --top-k, --init-embeddings) are errors with a recurrent \
            arch, and --hidden, --embed-dim, --projection are errors with the Transformer.

            Example: tessera train-lm --tokens train.bin --val-fraction 0.1 --tokenizer bytes --steps 1000 -o runs/demo
            """
    )

    @Option(help: "Training token shard (llm.c .bin).") var tokens: String
    @Option(help: "Validation token shard.") var val: String?
    @Option(name: .customLong("val-fraction"), help: "Without --val: hold out this final fraction of --tokens for validation.") var valFraction: Double = 0.1
    @Option(help: "Tokenizer: a tokenizer.json, or 'bytes' for byte-level ids.") var tokenizer: String
    @Option(name: .customLong("init-embeddings"), help: "Initialize token embeddings from a [vocab, dim] safetensors (Word2Vec).") var initEmbeddings: String?
    @Option(help: "Model family: transformer|rnn|lstm|gru.") var arch: LMArchitecture = .transformer
    @Option(help: "Transformer blocks or recurrent layers (default 4 for the Transformer, 2 for recurrent models).") var layers: Int?
    @Option(help: "Attention heads (transformer; default 4).") var heads: Int?
    @Option(help: "Model width (transformer; default 128).") var dim: Int?
    @Option(help: "Hidden units per recurrent layer (rnn/lstm/gru; default 256).") var hidden: Int?
    @Option(name: .customLong("embed-dim"), help: "Token-embedding width (rnn/lstm/gru; default: --hidden).") var embedDim: Int?
    @Flag(help: "A linear projection hidden → embed-dim before the head (rnn/lstm/gru).") var projection = false
    @Option(name: .customLong("ffn-dim"), help: "FFN hidden width (default: 4 × dim).") var ffnDim: Int?
    @Option(help: "Context length.") var context: Int = 128
    @Option(help: "Sequences per batch.") var batch: Int = 16
    @Option(help: "Total optimization steps (the schedule's length).") var steps: Int = 2000
    @Option(help: "Peak learning rate.") var lr: Float = 1e-3
    @Option(help: "Warm-up steps.") var warmup: Int = 100
    @Option(name: .customLong("weight-decay"), help: "AdamW decoupled weight decay (matrices only).") var weightDecay: Float = 0.1
    @Option(help: "Global gradient-norm clip (0: off).") var clip: Float = 1.0
    @Option(help: "Dropout on attention and FFN outputs.") var dropout: Float = 0
    @Option(help: "Positions: sinusoidal|learned (transformer; default sinusoidal).") var positions: ModelConfig.Positions?
    @Option(help: "Layer norm: pre|post (transformer; default pre).") var norm: ModelConfig.Norm?
    @Option(help: "Activation: gelu|relu (transformer; default gelu).") var activation: ModelConfig.Activation?
    @Option(help: "FFN: dense|moe (transformer; default dense).") var ffn: ModelConfig.FFN?
    @Option(help: "Experts (MoE; default 4).") var experts: Int?
    @Option(name: .customLong("top-k"), help: "Experts per token (MoE; default 2).") var topK: Int?
    @Flag(inversion: .prefixedNo, help: "Tie the output head to the token embeddings.") var tieEmbeddings = true
    @Option(help: "Threads (default: the number of cores).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Random seed (initialization, dropout).") var seed: UInt64 = 1337
    @Option(name: .customLong("eval-interval"), help: "Steps between validation runs.") var evalInterval: Int = 100
    @Option(name: .customLong("eval-batches"), help: "Batches per validation run.") var evalBatches: Int = 10
    @Option(name: .customLong("checkpoint-interval"), help: "Steps between checkpoints (a final one is always written).") var checkpointInterval: Int = 500
    @Option(name: .customLong("log-interval"), help: "Steps between progress lines.") var logInterval: Int = 10
    @Option(name: .customLong("stop-after"), help: "Stop (with a checkpoint) after this many steps of this invocation; --resume continues.") var stopAfter: Int?
    @Option(name: .shortAndLong, help: "Run directory.") var output: String
    @Flag(help: "Continue the run in -o from its last checkpoint.") var resume = false

    func validate() throws {
        if let cell = arch.cell {
            let transformerOnly: [(String, Bool)] = [
                ("--heads", heads != nil), ("--dim", dim != nil), ("--ffn-dim", ffnDim != nil), ("--positions", positions != nil),
                ("--norm", norm != nil), ("--activation", activation != nil), ("--ffn", ffn != nil), ("--experts", experts != nil),
                ("--top-k", topK != nil), ("--init-embeddings", initEmbeddings != nil),
            ]
            if let given = transformerOnly.first(where: { $0.1 }) {
                throw ValidationError("\(given.0) applies to --arch transformer only, not \(cell.rawValue)")
            }
            if let hidden, hidden < 1 { throw ValidationError("--hidden must be at least 1, got \(hidden)") }
            if let embedDim, embedDim < 1 { throw ValidationError("--embed-dim must be at least 1, got \(embedDim)") }
        } else {
            let recurrentOnly: [(String, Bool)] = [("--hidden", hidden != nil), ("--embed-dim", embedDim != nil), ("--projection", projection)]
            if let given = recurrentOnly.first(where: { $0.1 }) {
                throw ValidationError("\(given.0) applies to --arch rnn|lstm|gru only, not transformer")
            }
        }
        if let layers, layers < 1 { throw ValidationError("--layers must be at least 1, got \(layers)") }
        if context < 1 { throw ValidationError("--context must be at least 1, got \(context)") }
        if batch < 1 { throw ValidationError("--batch must be at least 1, got \(batch)") }
    }

    /// A new model from the options, initialized, with a one-line description.
    private func newModel(vocabularySize V: Int) throws -> (model: any TrainableModel, description: String) {
        if let cell = arch.cell {
            let H = hidden ?? 256, E = embedDim ?? H
            let config = RecurrentConfig(arch: cell, vocabSize: V, contextLength: context, embeddingDim: E, hiddenSize: H, layers: layers ?? 2,
                                         dropout: dropout, tieEmbeddings: tieEmbeddings, projection: projection)
            let model = try RecurrentModel(config: config, threads: threads)
            model.initialize(seed: seed)
            return (model, Self.describe(config))
        }
        let D = dim ?? 128
        let config = ModelConfig(vocabSize: V, contextLength: context, layers: layers ?? 4, heads: heads ?? 4, dim: D, ffnDim: ffnDim ?? 4 * D,
                                 positions: positions ?? .sinusoidal, norm: norm ?? .pre, activation: activation ?? .gelu, ffn: ffn ?? .dense,
                                 experts: experts ?? 4, topK: topK ?? 2, tieEmbeddings: tieEmbeddings, dropout: dropout)
        let model = try TransformerModel(config: config, threads: threads)
        model.initialize(seed: seed)
        if let initEmbeddings {
            let scale = try EmbeddingImport.load(initEmbeddings, into: model)
            FileHandle.standardError.write(Data("initialized token embeddings from \(initEmbeddings) (scaled by \(scale))\n".utf8))
        }
        return (model, Self.describe(config))
    }

    static func describe(_ c: ModelConfig) -> String {
        "transformer: \(c.layers) layers, \(c.heads) heads, dim \(c.dim), ffn \(c.ffnDim) (\(c.ffn.rawValue)), context \(c.contextLength), vocab \(c.vocabSize), " +
            "\(c.positions.rawValue) positions, \(c.norm.rawValue)-LN, \(c.activation.rawValue)"
    }

    static func describe(_ c: RecurrentConfig) -> String {
        "\(c.arch.rawValue): \(c.layers) layers, hidden \(c.hiddenSize), embedding \(c.embeddingDim)\(c.projection ? " (projected)" : ""), " +
            "context \(c.contextLength), vocab \(c.vocabSize), \(c.tieEmbeddings ? "tied" : "untied") head"
    }

    func run() throws {
        let codec = try loadTokenCodec(tokenizer)
        let V = codec.vocabularySize
        let model: any TrainableModel, description: String
        var options = TrainingOptions()
        if resume {
            let loaded = try LoadedLanguageModel.load(output, threads: threads)
            guard loaded.arch == arch else {
                throw ValidationError("\(output) holds a \(loaded.arch.rawValue) model; resume it with --arch \(loaded.arch.rawValue)")
            }
            guard loaded.vocabularySize == V else {
                throw ValidationError("--tokenizer has \(V) ids but the model in \(output) has \(loaded.vocabularySize)")
            }
            guard let saved = Checkpoint.savedOptions(output) else { throw ValidationError("\(output): no training state to resume") }
            model = loaded.trainable
            switch loaded {
            case .transformer(let m): description = Self.describe(m.config)
            case .recurrent(let m): description = Self.describe(m.config)
            }
            options = saved
            options.steps = steps
        } else {
            (model, description) = try newModel(vocabularySize: V)
            options.batch = batch; options.steps = steps; options.learningRate = lr; options.warmup = warmup
            options.weightDecay = weightDecay; options.clip = clip; options.seed = seed
            options.evalInterval = evalInterval; options.evalBatches = evalBatches; options.checkpointInterval = checkpointInterval
        }
        let all = try TokenStream.read(tokens, vocabularySize: V)
        let train: TokenStream, validation: TokenStream
        if let val {
            train = all
            validation = try TokenStream.read(val, vocabularySize: V)
        } else {
            guard valFraction > 0 && valFraction < 1 else { throw ValidationError("--val-fraction must be in (0, 1)") }
            let cut = all.ids.count - Int(Double(all.ids.count) * valFraction)
            train = try TokenStream(ids: all.ids[..<cut].map { UInt32($0) }, vocabularySize: V, source: tokens + " (training part)")
            validation = try TokenStream(ids: all.ids[cut...].map { UInt32($0) }, vocabularySize: V, source: tokens + " (validation part)")
        }
        let trainer = try Trainer(model: model, options: options, train: train, validation: validation)
        if resume { try Checkpoint.restore(trainer, from: output) }
        let tokBytes = try tokenizerFileBytes(tokenizer)
        log("model: \(description); \(model.parameterCount) parameters; " +
            "train \(train.ids.count) tokens, val \(validation.ids.count); \(threads) threads")
        let tokensPerStep = options.batch * model.contextLength
        let start = DispatchTime.now().uptimeNanoseconds
        var lastTime = start, lastStep = trainer.step
        var lossSum: Double = 0, lossCount = 0
        try trainer.run(stopAfter: stopAfter, checkpoint: {
            try Checkpoint.save(to: output, model: model, trainer: trainer, tokenizer: tokBytes)
        }) { r, validationLoss in
            lossSum += Double(r.loss); lossCount += 1
            let s = trainer.step
            if s % max(logInterval, 1) == 0 || s == options.steps {
                let now = DispatchTime.now().uptimeNanoseconds
                let secs = Double(now - lastTime) / 1e9
                let tps = Double((s - lastStep) * tokensPerStep) / max(secs, 1e-9)
                let eta = Double(options.steps - s) * secs / Double(max(s - lastStep, 1))
                log(String(format: "step %d/%d | loss %.4f | lr %.2e | norm %.2f | %.0f tok/s | ETA %@", s, options.steps,
                           lossSum / Double(max(lossCount, 1)), r.learningRate, r.gradientNorm, tps, LMFormat.duration(eta)))
                lossSum = 0; lossCount = 0; lastTime = now; lastStep = s
            }
            if let v = validationLoss {
                log(String(format: "step %d | val loss %.4f | elapsed %@", s, v, LMFormat.duration(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)))
            }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let val = try trainer.validationLoss() ?? .nan
        log(String(format: "done: step %d, val loss %.4f, %@ elapsed; saved %@", trainer.step, val, LMFormat.duration(elapsed), output))
    }

    private func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}
