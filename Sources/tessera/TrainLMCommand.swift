import ArgumentParser
import ArtifactIO
import Foundation
import LanguageModels
import NeuralCore
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
            --activation, --ffn, --experts, --top-k) are errors with a recurrent arch, and --hidden, \
            --embed-dim, --projection, --carry-state are errors with the Transformer. --init-embeddings \
            takes a [vocab, width] table whose width is the model's embedding width (--dim, or \
            --embed-dim/--hidden).

            Example: tessera train-lm --tokens train.bin --val-fraction 0.1 --tokenizer bytes --steps 1000 -o runs/demo
            Example: tessera train-lm --arch lstm --hidden 256 --layers 2 --tokens train.bin --tokenizer bytes -o runs/lstm
            """
    )

    @Option(help: "Training token shard (llm.c .bin).") var tokens: String
    @Option(help: "Validation token shard.") var val: String?
    @Option(name: .customLong("val-fraction"), help: "Without --val: hold out this final fraction of --tokens for validation.")
    var valFraction: Double = 0.1
    @Option(help: "Tokenizer: a tokenizer.json, or 'bytes' for byte-level ids.") var tokenizer: String
    @Option(name: .customLong("init-embeddings"), help: "Initialize token embeddings from a [vocab, dim] safetensors (Word2Vec).")
    var initEmbeddings: String?
    @Option(help: "Model family: transformer|rnn|lstm|gru.") var arch: LanguageModelArchitecture = .transformer
    @Option(help: "Transformer blocks or recurrent layers (default: 4 for the Transformer, 2 for rnn/lstm/gru).") var layers: Int?
    @Option(help: "Hidden units per recurrent layer (rnn/lstm/gru; default: 256).") var hidden: Int?
    @Option(name: .customLong("embed-dim"), help: "Token-embedding width (rnn/lstm/gru; default: --hidden).") var embedDim: Int?
    @Flag(help: "A linear projection hidden → embed-dim before the head (rnn/lstm/gru).") var projection = false
    @Flag(
        name: .customLong("carry-state"),
        help:
            "Truncated BPTT across windows: batches are parallel lanes of the stream and each window starts from the state the previous one ended in (rnn/lstm/gru)."
    ) var carryState = false
    @Option(help: "Attention heads (default: 4).") var heads: Int?
    @Option(help: "Model width (default: 128).") var dim: Int?
    @Option(name: .customLong("ffn-dim"), help: "FFN hidden width (default: 4 × dim).") var ffnDim: Int?
    @Option(help: "Context length (default: 128).") var context: Int?
    @Option(help: "Sequences per batch.") var batch: Int = Self.defaults.batch
    @Option(help: "Total optimization steps (the schedule's length).") var steps: Int = Self.defaults.steps
    @Option(help: "Peak learning rate.") var lr: Double = Self.defaults.lr
    @Option(help: "Warm-up steps.") var warmup: Int = Self.defaults.warmup
    @Option(name: .customLong("weight-decay"), help: "AdamW decoupled weight decay (matrices only).") var weightDecay: Double = Self
        .defaults.weightDecay
    @Option(help: "Global gradient-norm clip (0: off).") var clip: Double = Self.defaults.clip
    @Option(help: "Dropout on attention and FFN outputs (transformer), on embeddings, between layers and on the output (rnn/lstm/gru).")
    var dropout: Double = Self.defaults.dropout
    @Option(help: "Positions: sinusoidal|learned (default: learned).") var positions: ModelConfig.Positions?
    @Option(help: "Layer norm: pre|post (default: pre).") var norm: ModelConfig.Norm?
    @Option(help: "Activation: gelu|relu (default: gelu).") var activation: ModelConfig.Activation?
    @Option(help: "FFN: dense|moe (default: dense).") var ffn: ModelConfig.FFN?
    @Option(help: "Experts (MoE; default: 4).") var experts: Int?
    @Option(name: .customLong("top-k"), help: "Experts per token (MoE; default: 2).") var topK: Int?
    @Flag(inversion: .prefixedNo, help: "Tie the output head to the token embeddings (default: tied).") var tieEmbeddings: Bool?
    @Option(
        help:
            "Training windows: random (each row at a random offset, drawn from the seed and step) | sequential (consecutive, the same every epoch) (default: random; a model carrying state across batches reads consecutive windows)."
    )
    var windows: WindowSampling?
    @Option(help: "Threads (default: the number of cores).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Random seed (initialization, dropout).") var seed: Int = Self.defaults.seed
    @Option(name: .customLong("eval-interval"), help: "Steps between validation runs.") var evalInterval: Int = Self.defaults.evalEvery
    @Option(name: .customLong("eval-batches"), help: "Batches per validation run.") var evalBatches: Int = Self.defaults.evalBatches
    @Option(name: .customLong("checkpoint-interval"), help: "Steps between checkpoints (a final one is always written).")
    var checkpointInterval: Int = Self.defaults.checkpointEvery
    @Option(name: .customLong("log-interval"), help: "Steps between progress lines.") var logInterval: Int = 10
    @Option(name: .customLong("stop-after"), help: "Stop (with a checkpoint) after this many steps of this invocation; --resume continues.")
    var stopAfter: Int?
    @Option(name: .shortAndLong, help: "Run directory.") var output: String
    @Flag(help: "Continue the run in -o from its last checkpoint.") var resume = false
    @Flag(help: "Replace the trained run already in -o (its weights and training state are lost).") var force = false

    /// The defaults, shared with the pipeline's `lm` stage.
    static let defaults = LanguageModelSettings()

    /// Recurrent layers when --layers is not given with --arch rnn|lstm|gru.
    static let recurrentLayers = 2

    /// The settings the options describe, defaults filled in (an FFN width not given is 4 × dim;
    /// a recurrent arch has ``recurrentLayers`` layers unless --layers says otherwise).
    func settings() -> LanguageModelSettings {
        var s = Self.defaults
        s.arch = arch
        s.layers = layers ?? (arch.cell == nil ? s.layers : Self.recurrentLayers)
        s.hidden = hidden ?? s.hidden; s.embedDim = embedDim ?? s.embedDim; s.projection = projection; s.carryState = carryState
         s.heads = heads ?? s.heads; s.dim = dim ?? s.dim; s.ffnDim = ffnDim ?? 4 * s.dim
        s.context = context ?? s.context; s.positions = positions ?? s.positions; s.norm = norm ?? s.norm
        s.activation = activation ?? s.activation; s.ffn = ffn ?? s.ffn; s.experts = experts ?? s.experts; s.topK = topK ?? s.topK
        s.tieEmbeddings = tieEmbeddings ?? s.tieEmbeddings; s.dropout = dropout
        s.batch = batch; s.steps = steps; s.lr = lr; s.warmup = warmup; s.weightDecay = weightDecay; s.clip = clip; s.seed = seed
        s.evalEvery = evalInterval; s.evalBatches = evalBatches; s.checkpointEvery = checkpointInterval; s.threads = threads
        s.windows = windows ?? s.windows
        return s
    }

    /// The architecture the options describe (defaults filled in), for a vocabulary of `V` ids.
    func modelConfig(vocabularySize V: Int) -> ModelConfig {
        settings().modelConfig(vocabularySize: V)
    }

    /// The recurrent architecture the options describe (defaults filled in), or nil for the Transformer.
    func recurrentConfig(vocabularySize V: Int) -> RecurrentConfig? {
        settings().recurrentConfig(vocabularySize: V)
    }

    func validate() throws {
        // Options of one family given with the other are errors, not silently ignored.
        if let cell = arch.cell {
            let transformerOnly: [(String, Bool)] = [
                ("--heads", heads != nil), ("--dim", dim != nil), ("--ffn-dim", ffnDim != nil), ("--positions", positions != nil),
                ("--norm", norm != nil), ("--activation", activation != nil), ("--ffn", ffn != nil), ("--experts", experts != nil),
                ("--top-k", topK != nil),
            ]
            if let given = transformerOnly.first(where: { $0.1 }) {
                throw ValidationError("\(given.0) applies to --arch transformer only, not \(cell.rawValue)")
            }
            let h = hidden ?? Self.defaults.hidden
            try OptionCheck.range("--hidden", h, 1...65536)
            if let embedDim { try OptionCheck.range("--embed-dim", embedDim, 1...65536) }
            try OptionCheck.range("--layers", layers ?? Self.recurrentLayers, 1...1024)
            if let embedDim, embedDim != h, !projection, tieEmbeddings ?? true {
                throw ValidationError(
                    "--embed-dim \(embedDim) differs from --hidden \(h): tied embeddings need them equal, "
                        + "or --projection, or --no-tie-embeddings")
            }
            if !resume, let c = recurrentConfig(vocabularySize: 2) {
                do { try c.validate() } catch let e as ModelError { throw ValidationError("\(e)") }
            }
        } else {
            let recurrentOnly: [(String, Bool)] = [
                ("--hidden", hidden != nil), ("--embed-dim", embedDim != nil), ("--projection", projection),
                ("--carry-state", carryState),
            ]
            if let given = recurrentOnly.first(where: { $0.1 }) {
                throw ValidationError("\(given.0) applies to --arch rnn|lstm|gru only, not transformer")
            }
        }
        try OptionCheck.range("--layers", layers ?? Self.defaults.layers, 1...1024)
        try OptionCheck.range("--heads", heads ?? Self.defaults.heads, 1...1024)
        try OptionCheck.range("--dim", dim ?? Self.defaults.dim, 1...65536)
        if let ffnDim { try OptionCheck.range("--ffn-dim", ffnDim, 1...(1 << 20)) }
        try OptionCheck.range("--context", context ?? Self.defaults.context, 1...65536)
        try OptionCheck.range("--seed", seed, 0...Int.max)
        try OptionCheck.range("--batch", batch, 1...65536)
        try OptionCheck.range("--steps", steps, 1...1_000_000_000)
        try OptionCheck.range("--lr", lr, 0...10, openLower: true)
        try OptionCheck.range("--warmup", warmup, 0...1_000_000_000)
        try OptionCheck.range("--weight-decay", weightDecay, 0...10)
        try OptionCheck.range("--clip", clip, 0...1e9)
        try OptionCheck.range("--dropout", dropout, 0...1, openUpper: true)
        try OptionCheck.range("--val-fraction", valFraction, 0...1, openLower: true, openUpper: true)
        try OptionCheck.range("--experts", experts ?? Self.defaults.experts, 1...256)
        try OptionCheck.range("--top-k", topK ?? Self.defaults.topK, 1...(experts ?? Self.defaults.experts))
        try OptionCheck.threads(threads)
        try OptionCheck.range("--eval-interval", evalInterval, 1...1_000_000_000)
        try OptionCheck.range("--eval-batches", evalBatches, 1...1_000_000)
        try OptionCheck.range("--checkpoint-interval", checkpointInterval, 1...1_000_000_000)
        try OptionCheck.range("--log-interval", logInterval, 1...1_000_000_000)
        if let stopAfter { try OptionCheck.range("--stop-after", stopAfter, 1...1_000_000_000) }
        if resume && force { throw ValidationError("--resume continues the run in -o and --force replaces it: give one of them") }
        try OptionCheck.readable("--tokens", tokens)
        if let val { try OptionCheck.readable("--val", val) }
        if let initEmbeddings { try OptionCheck.readable("--init-embeddings", initEmbeddings) }
        if tokenizer != "bytes" { try OptionCheck.readable("--tokenizer", tokenizer) }
        if !resume && arch == .transformer {
            // The model and one batch's activations must fit in memory (checked before allocating).
            let c = modelConfig(vocabularySize: 2)
            let rows = Double(batch) * Double(c.contextLength)
            let activations =
                rows * Double(c.layers) * (16 * Double(c.dim) + 2 * Double(c.ffnDim)) + rows * Double(c.heads * c.layers)
                * Double(c.contextLength)
            let bytes = 4 * (4 * c.approximateParameterCount + activations)
            let memory = Double(ProcessInfo.processInfo.physicalMemory)
            if bytes > memory {
                throw ValidationError(
                    String(
                        format:
                            "the model and a batch of %d × %d tokens need about %.1f GB, more than this machine's %.1f GB: reduce --batch, --context, --dim or --layers",
                        batch, c.contextLength, bytes / 1e9, memory / 1e9))
            }
        }
    }

    func run() throws {
        // The run directory: ours (marker) or new, never a user's directory; locked while training.
        let state = try RunDirectory.claim(output, as: .languageModel, legacy: Checkpoint.isUnmarkedRun)
        if resume && state != .owned { throw ValidationError("--resume: \(output) holds no training run to resume") }
        if !resume && !force && state == .owned && Checkpoint.hasWeights(output) {
            throw ValidationError(
                "\(output) already holds a trained run: add --resume to continue it, --force to replace it, or choose another -o")
        }
        try RunDirectory.makeDirectories(output)
        let lock = try RunDirectory.lock(output)
        defer { withExtendedLifetime(lock) {} }
        // A pipeline run that holds this model directory (RUN/lm) is locked by the pipeline too.
        let parent = (output as NSString).deletingLastPathComponent
        let parentLock =
            RunDirectory.marker(parent.isEmpty ? "." : parent) == RunDirectory.Kind.pipeline.rawValue ? try RunDirectory.lock(parent) : nil
        defer { withExtendedLifetime(parentLock) {} }
        RunDirectory.removeStale(output + ".saving", kind: .languageModel, legacy: Checkpoint.isUnmarkedRun)
        if state != .owned { try RunDirectory.create(output, as: .languageModel) }

        let codec = try loadTokenCodec(tokenizer)
        let V = codec.vocabularySize
        let lm: LanguageModel
        var options = TrainingOptions()
        if resume {
            lm = try LanguageModel.load(output, threads: threads)
            guard lm.arch == arch else {
                throw ValidationError("--resume: \(output) holds a \(lm.arch.rawValue) model; resume it with --arch \(lm.arch.rawValue)")
            }
            guard lm.vocabularySize == V else {
                throw ValidationError("--tokenizer has \(V) ids but the model in \(output) has \(lm.vocabularySize)")
            }
            switch lm {
            case .transformer(let m): try checkUnchangedArchitecture(m.config)
            case .recurrent(let m): try checkUnchangedArchitecture(m.config)
            }
            options = try Checkpoint.trainingOptions(output)
            options.steps = steps
            if let windows, windows != options.windows {
                throw ValidationError(
                    "--resume: --windows \(windows.rawValue) differs from the run's \(options.windows.rawValue) in \(output); resume with the run's sampling")
            }
        } else {
            lm = try LanguageModel.make(settings: settings(), vocabularySize: V, threads: threads)
            if let initEmbeddings {
                let scale = try lm.initializeEmbeddings(from: initEmbeddings)
                FileHandle.standardError.write(Data("initialized token embeddings from \(initEmbeddings) (scaled by \(scale))\n".utf8))
            }
            options = settings().trainingOptions()
        }
        let model = lm.trainable, description = lm.summary
        let all = try TokenStream.read(tokens, vocabularySize: V)
        let train: TokenStream, validation: TokenStream
        if let val {
            train = all
            validation = try TokenStream.read(val, vocabularySize: V)
        } else {
            let cut = all.count - Int(Double(all.count) * valFraction)
            train = all.slice(0..<cut, source: tokens + " (training part)")
            validation = all.slice(cut..<all.count, source: tokens + " (validation part)")
        }
        let trainer = try Trainer(model: model, options: options, train: train, validation: validation)
        if resume { try Checkpoint.restore(trainer, from: output) }
        let tokBytes = try tokenizerFileBytes(tokenizer)
        log(
            "model: \(description); \(model.parameterCount) parameters; "
                + "train \(train.count) tokens, val \(validation.count); \(threads) threads")
        let tokensPerStep = options.batch * model.contextLength
        let start = DispatchTime.now().uptimeNanoseconds
        var lastTime = start, lastStep = trainer.step
        var lossSum: Double = 0, lossCount = 0
        try trainer.run(
            stopAfter: stopAfter,
            checkpoint: {
                try Checkpoint.save(to: output, model: model, trainer: trainer, tokenizer: tokBytes)
            }
        ) { r, validationLoss in
            lossSum += Double(r.loss); lossCount += 1
            let s = trainer.step
            if s % max(logInterval, 1) == 0 || s == options.steps {
                let now = DispatchTime.now().uptimeNanoseconds
                let secs = Double(now - lastTime) / 1e9
                let tps = Double((s - lastStep) * tokensPerStep) / max(secs, 1e-9)
                let eta = Double(options.steps - s) * secs / Double(max(s - lastStep, 1))
                log(
                    String(
                        format: "step %d/%d | loss %.4f | lr %.2e | norm %.2f | %.0f tok/s | ETA %@", s, options.steps,
                        lossSum / Double(max(lossCount, 1)), r.learningRate, r.gradientNorm, tps, LMFormat.duration(eta)))
                lossSum = 0; lossCount = 0; lastTime = now; lastStep = s
            }
            if let v = validationLoss {
                log(
                    String(
                        format: "step %d | val loss %.4f | elapsed %@", s, v,
                        LMFormat.duration(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)))
            }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let val = try trainer.validationLoss() ?? .nan
        log(String(format: "done: step %d, val loss %.4f, %@ elapsed; saved %@", trainer.step, val, LMFormat.duration(elapsed), output))
    }

    /// With --resume, an architecture option given on the command line must match the run's.
    private func checkUnchangedArchitecture(_ saved: ModelConfig) throws {
        func check<T: Equatable>(_ name: String, _ given: T?, _ actual: T) throws {
            if let given, given != actual {
                throw ValidationError(
                    "--resume: \(name) \(given) differs from the run's \(actual) in \(output); the architecture of a run cannot change")
            }
        }
        try check("--layers", layers, saved.layers)
        try check("--heads", heads, saved.heads)
        try check("--dim", dim, saved.dim)
        try check("--ffn-dim", ffnDim, saved.ffnDim)
        try check("--context", context, saved.contextLength)
        try check("--positions", positions?.rawValue, saved.positions.rawValue)
        try check("--norm", norm?.rawValue, saved.norm.rawValue)
        try check("--activation", activation?.rawValue, saved.activation.rawValue)
        try check("--ffn", ffn?.rawValue, saved.ffn.rawValue)
        try check("--experts", experts, saved.experts)
        try check("--top-k", topK, saved.topK)
        try check("--tie-embeddings", tieEmbeddings, saved.tieEmbeddings)
    }

    /// The same check for a recurrent run.
    private func checkUnchangedArchitecture(_ saved: RecurrentConfig) throws {
        func check<T: Equatable>(_ name: String, _ given: T?, _ actual: T) throws {
            if let given, given != actual {
                throw ValidationError(
                    "--resume: \(name) \(given) differs from the run's \(actual) in \(output); the architecture of a run cannot change")
            }
        }
        try check("--layers", layers, saved.layers)
        try check("--hidden", hidden, saved.hiddenSize)
        try check("--embed-dim", embedDim, saved.embeddingDim)
        try check("--context", context, saved.contextLength)
        try check("--tie-embeddings", tieEmbeddings, saved.tieEmbeddings)
        if projection && !saved.projection {
            throw ValidationError("--resume: --projection differs from the run in \(output); the architecture of a run cannot change")
        }
        if carryState && !saved.carryState {
            throw ValidationError("--resume: --carry-state differs from the run in \(output); it cannot change")
        }
    }

    private func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}
