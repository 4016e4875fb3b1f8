import ArgumentParser
import Foundation
import NeuralCore
import TensorOps
import Tokenization
import TransformerLM

/// `tessera train-lm`: trains a Transformer language model on a token shard.
struct TrainLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-lm",
        abstract: "Train a next-token Transformer on llm.c token shards (CPU).",
        discussion: """
            Progress (step, loss, tokens/s, ETA) and validation loss go to standard error. The run \
            directory (-o) receives config.json, model.safetensors, tokenizer.json and the training \
            state (optimizer.safetensors, trainer_state.json) at every checkpoint; --resume continues \
            exactly where the last checkpoint stopped (bit-identical with --threads 1).

            Example: tessera train-lm --tokens train.bin --val-fraction 0.1 --tokenizer bytes --steps 1000 -o runs/demo
            """
    )

    @Option(help: "Training token shard (llm.c .bin).") var tokens: String
    @Option(help: "Validation token shard.") var val: String?
    @Option(name: .customLong("val-fraction"), help: "Without --val: hold out this final fraction of --tokens for validation.") var valFraction: Double = 0.1
    @Option(help: "Tokenizer: a tokenizer.json, or 'bytes' for byte-level ids.") var tokenizer: String
    @Option(name: .customLong("init-embeddings"), help: "Initialize token embeddings from a [vocab, dim] safetensors (Word2Vec).") var initEmbeddings: String?
    @Option(help: "Transformer blocks.") var layers: Int = 4
    @Option(help: "Attention heads.") var heads: Int = 4
    @Option(help: "Model width.") var dim: Int = 128
    @Option(name: .customLong("ffn-dim"), help: "FFN hidden width (default: 4 × dim).") var ffnDim: Int?
    @Option(help: "Context length.") var context: Int = 128
    @Option(help: "Sequences per batch.") var batch: Int = 16
    @Option(help: "Total optimization steps (the schedule's length).") var steps: Int = 2000
    @Option(help: "Peak learning rate.") var lr: Float = 1e-3
    @Option(help: "Warm-up steps.") var warmup: Int = 100
    @Option(name: .customLong("weight-decay"), help: "AdamW decoupled weight decay (matrices only).") var weightDecay: Float = 0.1
    @Option(help: "Global gradient-norm clip (0: off).") var clip: Float = 1.0
    @Option(help: "Dropout on attention and FFN outputs.") var dropout: Float = 0
    @Option(help: "Positions: sinusoidal|learned.") var positions: ModelConfig.Positions = .sinusoidal
    @Option(help: "Layer norm: pre|post.") var norm: ModelConfig.Norm = .pre
    @Option(help: "Activation: gelu|relu.") var activation: ModelConfig.Activation = .gelu
    @Option(help: "FFN: dense|moe.") var ffn: ModelConfig.FFN = .dense
    @Option(help: "Experts (MoE).") var experts: Int = 4
    @Option(name: .customLong("top-k"), help: "Experts per token (MoE).") var topK: Int = 2
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

    func run() throws {
        let codec = try loadTokenCodec(tokenizer)
        let V = codec.vocabularySize
        let model: TransformerModel
        var options = TrainingOptions()
        if resume {
            model = try Checkpoint.loadModel(output, threads: threads)
            guard model.config.vocabSize == V else {
                throw ValidationError("--tokenizer has \(V) ids but the model in \(output) has \(model.config.vocabSize)")
            }
            guard let saved = Checkpoint.savedOptions(output) else { throw ValidationError("\(output): no training state to resume") }
            options = saved
            options.steps = steps
        } else {
            let config = ModelConfig(vocabSize: V, contextLength: context, layers: layers, heads: heads, dim: dim, ffnDim: ffnDim ?? 4 * dim,
                                     positions: positions, norm: norm, activation: activation, ffn: ffn, experts: experts, topK: topK,
                                     tieEmbeddings: tieEmbeddings, dropout: dropout)
            model = try TransformerModel(config: config, threads: threads)
            model.initialize(seed: seed)
            if let initEmbeddings {
                let scale = try EmbeddingImport.load(initEmbeddings, into: model)
                FileHandle.standardError.write(Data("initialized token embeddings from \(initEmbeddings) (scaled by \(scale))\n".utf8))
            }
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
        let c = model.config
        log("model: \(c.layers) layers, \(c.heads) heads, dim \(c.dim), ffn \(c.ffnDim) (\(c.ffn.rawValue)), context \(c.contextLength), vocab \(c.vocabSize), " +
            "\(c.positions.rawValue) positions, \(c.norm.rawValue)-LN, \(c.activation.rawValue); \(model.parameterCount) parameters; " +
            "train \(train.ids.count) tokens, val \(validation.ids.count); \(threads) threads")
        let tokensPerStep = options.batch * c.contextLength
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
