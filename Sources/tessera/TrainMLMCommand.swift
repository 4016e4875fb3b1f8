import ArgumentParser
import Foundation
import MaskedLM
import NeuralCore
import Tokenization

extension BertConfig.Norm: ExpressibleByArgument {}
extension BertActivation: ExpressibleByArgument {}

/// `tessera train-mlm`: pretrains a BERT encoder with the masked-LM objective (and optionally NSP).
struct TrainMLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-mlm",
        abstract: "Pretrain a BERT encoder (masked LM, optional next-sentence prediction) on text files (CPU).",
        discussion: """
            Corpus files hold one segment (sentence or paragraph) per line and a blank line between \
            documents. They are cut into [CLS] A [SEP] B [SEP] pairs packed to --context tokens; each \
            batch is masked afresh (15%, 80/10/10). The last --val-fraction of the pairs is held out and \
            evaluated with fixed masks. The run directory (-o) receives config.json, model.safetensors, \
            tokenizer.json and the training state at every checkpoint; --resume continues exactly. \
            --init-embeddings starts the token embeddings (shared with the MLM decoder) from a \
            Word2Vec [vocab, dim] table (train-embeddings -o ….safetensors over the same tokenizer), \
            rescaled to BERT's initialization std, as train-lm does.

            Example: tessera train-mlm --tokenizer Vocab/en-wordpiece-uncased-8k.json --steps 1000 Corpora/en/*.txt -o runs/bert
            """
    )

    @Argument(help: "Corpus text files.") var corpus: [String] = []
    @Option(help: "WordPiece tokenizer.json with [CLS], [SEP], [MASK] and [PAD].") var tokenizer: String
    @Option(name: .customLong("init-embeddings"), help: "Initialize token embeddings from a [vocab, dim] safetensors (Word2Vec).")
    var initEmbeddings: String?
    @Option(name: .customLong("val-fraction"), help: "Fraction of the pairs held out for validation.") var valFraction: Double = 0.05
    @Option(help: "Transformer blocks.") var layers: Int = 4
    @Option(help: "Attention heads.") var heads: Int = 4
    @Option(help: "Model width.") var dim: Int = 128
    @Option(name: .customLong("ffn-dim"), help: "FFN width (default: 4 × dim).") var ffnDim: Int?
    @Option(help: "Maximum sequence length (pairs are packed to it).") var context: Int = 128
    @Option(help: "Sequences per batch.") var batch: Int = 16
    @Option(help: "Total optimization steps.") var steps: Int = 2000
    @Option(help: "Peak learning rate.") var lr: Float = 1e-3
    @Option(help: "Warm-up steps.") var warmup: Int = 100
    @Option(name: .customLong("weight-decay"), help: "AdamW decoupled weight decay (matrices only).") var weightDecay: Float = 0.01
    @Option(help: "Global gradient-norm clip (0: off).") var clip: Float = 1.0
    @Option(help: "Layer norm: post (BERT) or pre.") var norm: BertConfig.Norm = .post
    @Option(help: "Activation: gelu (erf, BERT), gelu_new (tanh) or relu.") var activation: BertActivation = .gelu
    @Flag(help: "Train next-sentence prediction too (B is random half the time).") var nsp = false
    @Flag(name: .customLong("whole-word"), help: "Mask whole words (all WordPiece pieces of a word together).") var wholeWord = false
    @Option(name: .customLong("mask-probability"), help: "Fraction of tokens to predict.") var maskProbability: Double = 0.15
    @Option(help: "Threads (default: the number of cores).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Random seed (initialization, pairs, masks).") var seed: UInt64 = 1337
    @Option(name: .customLong("eval-interval"), help: "Steps between validation runs.") var evalInterval: Int = 100
    @Option(name: .customLong("eval-batches"), help: "Validation batches (fixed masks).") var evalBatches: Int = 10
    @Option(name: .customLong("checkpoint-interval"), help: "Steps between checkpoints (a final one is always written).")
    var checkpointInterval: Int = 500
    @Option(name: .customLong("log-interval"), help: "Steps between progress lines.") var logInterval: Int = 10
    @Option(name: .customLong("stop-after"), help: "Stop (with a checkpoint) after this many steps of this invocation; --resume continues.")
    var stopAfter: Int?
    @Option(name: .shortAndLong, help: "Run directory.") var output: String
    @Flag(help: "Continue the run in -o from its last checkpoint.") var resume = false

    func validate() throws {
        if corpus.isEmpty { throw ValidationError("give at least one corpus file") }
        if !(valFraction > 0 && valFraction < 1) { throw ValidationError("--val-fraction must be in (0, 1), got \(valFraction)") }
        if layers < 1 || heads < 1 || dim < 1 || batch < 1 || steps < 1 || threads < 1 {
            throw ValidationError("--layers, --heads, --dim, --batch, --steps and --threads must be positive")
        }
        if dim % heads != 0 { throw ValidationError("--dim \(dim) must be divisible by --heads \(heads)") }
        if context < 5 { throw ValidationError("--context \(context) must be at least 5 ([CLS] A [SEP] B [SEP])") }
        if !(maskProbability > 0 && maskProbability <= 1) { throw ValidationError("--mask-probability must be in (0, 1]") }
        if !(lr > 0) || warmup < 0 || !(clip >= 0) || !(weightDecay >= 0) {
            throw ValidationError("--lr must be positive; --warmup, --clip, --weight-decay non-negative")
        }
        if let initEmbeddings {
            if resume { throw ValidationError("--init-embeddings starts a new run; --resume continues the weights in -o") }
            try OptionCheck.readable("--init-embeddings", initEmbeddings)
        }
    }

    func run() throws {
        let tok = try TokenizerFile.load(tokenizer)
        // -o is new, empty, or a masked-LM run already (never a user's directory); locked while we write.
        let lock = try MaskedLMCheckpoint.claim(output)
        defer { withExtendedLifetime(lock) {} }
        _ = try SpecialTokenIDs(tokenizer: tok, source: tokenizer)  // a clear error before any work
        let V = tok.vocabularySize
        var options = TrainingOptions()
        var state = MaskedLMCheckpoint.TrainerState(
            step: 0, options: options, maxLength: context, maskProbability: maskProbability,
            wholeWord: wholeWord, dataSeed: seed)
        let model: BertModel
        if resume {
            guard let saved = MaskedLMCheckpoint.savedState(output) else {
                throw MaskedLMError.invalidOption("\(output): no training state to resume")
            }
            model = try MaskedLMCheckpoint.loadModel(output, threads: threads)
            guard model.config.vocabSize == V else {
                throw MaskedLMError.invalidOption("--tokenizer has \(V) ids but the model in \(output) has \(model.config.vocabSize)")
            }
            state = saved
            options = saved.options
            options.steps = steps
        } else {
            let config = BertConfig(
                vocabSize: V, maxPositions: context, layers: layers, heads: heads, dim: dim, ffnDim: ffnDim ?? 4 * dim,
                norm: norm, activation: activation, nextSentencePrediction: nsp)
            model = try BertModel(config: config, threads: threads)
            model.initialize(seed: seed)
            if let initEmbeddings {
                let scale = try model.initializeEmbeddings(from: initEmbeddings)
                log("initialized token embeddings from \(initEmbeddings) (scaled by \(scale))")
            }
            options.batch = batch; options.steps = steps; options.learningRate = lr; options.warmup = warmup
            options.weightDecay = weightDecay; options.clip = clip; options.seed = seed; options.beta2 = 0.999
            options.evalInterval = evalInterval; options.evalBatches = evalBatches; options.checkpointInterval = checkpointInterval
        }
        state.options = options
        // Documents → pairs; the last fraction of the pairs is validation.
        let documents = try MaskedLMCorpus.documents(files: corpus, tokenizer: tok)
        let data = try PretrainingData(
            documents: documents, heldOut: .tailOfPairs(fraction: valFraction), tokenizer: tok,
            options: PretrainingDataOptions(
                maxLength: state.maxLength, nextSentencePrediction: model.config.nextSentencePrediction,
                maskProbability: state.maskProbability, wholeWord: state.wholeWord, batchSize: options.batch, seed: state.dataSeed),
            source: tokenizer)
        let report = data.report
        let validation = Array(data.validation.prefix(max(options.evalBatches, 1)))
        let trainer = MaskedLMTrainer(model: model, options: options, batcher: data.batcher, validation: validation)
        if resume { try MaskedLMCheckpoint.restore(trainer, from: output) }
        let tokBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tokenizer)))
        let c = model.config
        log(
            "model: \(c.layers) layers, \(c.heads) heads, dim \(c.dim), ffn \(c.ffnDim), context \(c.maxPositions), vocab \(c.vocabSize), "
                + "\(c.norm.rawValue)-LN, \(c.activation.rawValue)\(c.nextSentencePrediction ? ", NSP" : ""); \(model.parameterCount) parameters; \(threads) threads"
        )
        log(
            "data: \(report.corpusTokens) tokens in \(documents.count) documents → \(report.pairs) sequences (\(data.trainingPairs) train, \(data.heldOutPairs.count) val); "
                + "\(report.truncatedPairs) truncated (\(report.truncatedTokens) tokens dropped), \(report.splitSegments) long lines split; \(report.randomNext) random-B pairs"
        )
        let start = DispatchTime.now().uptimeNanoseconds
        var lastTime = start, lastStep = trainer.step
        var lossSum: Double = 0, accSum: Double = 0, count = 0
        try trainer.run(
            stopAfter: stopAfter,
            checkpoint: {
                var s = state
                s.step = trainer.step
                try MaskedLMCheckpoint.save(to: output, model: model, trainer: trainer, state: s, tokenizer: tokBytes)
            }
        ) { r, eval in
            lossSum += Double(r.loss); accSum += Double(r.accuracy); count += 1
            let s = trainer.step
            if s % max(logInterval, 1) == 0 || s == options.steps {
                let now = DispatchTime.now().uptimeNanoseconds
                let secs = Double(now - lastTime) / 1e9
                let tps = Double(max(s - lastStep, 1) * options.batch * state.maxLength) / max(secs, 1e-9)
                let eta = Double(options.steps - s) * secs / Double(max(s - lastStep, 1))
                log(
                    String(
                        format: "step %d/%d | loss %.4f | mlm acc %.3f | lr %.2e | norm %.2f | %.0f tok/s | ETA %@", s, options.steps,
                        lossSum / Double(max(count, 1)), accSum / Double(max(count, 1)), r.learningRate, r.gradientNorm, tps,
                        LMFormat.duration(eta)))
                lossSum = 0; accSum = 0; count = 0; lastTime = now; lastStep = s
            }
            if let e = eval {
                log(
                    String(
                        format: "step %d | val mlm loss %.4f | val mlm acc %.4f (unigram %.4f) over %d masked tokens", s, e.loss,
                        e.accuracy,
                        e.unigramAccuracy, e.maskedTokens))
            }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if let e = try trainer.evaluate() {
            log(
                String(
                    format: "done: step %d, val mlm loss %.4f, acc %.4f (unigram baseline %.4f), %@ elapsed; saved %@", trainer.step,
                    e.loss,
                    e.accuracy, e.unigramAccuracy, LMFormat.duration(elapsed), output))
        }
    }

    private func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}
