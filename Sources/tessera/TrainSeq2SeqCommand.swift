import ArgumentParser
import ArtifactIO
import EncoderDecoder
import Foundation
import NeuralCore
import TensorOps
import TranslationMetrics

/// `tessera train-seq2seq`: trains an encoder–decoder translation model on sentence pairs.
struct TrainSeq2SeqCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-seq2seq",
        abstract:
            "Train an encoder–decoder translation model (Transformer, or LSTM/GRU with or without attention) on sentence pairs (CPU).",
        discussion: """
            Without --dev, the pairs are split deterministically by a hash of the source side \
            (FNV-1a-64 of its UTF-8 bytes modulo 1000: dev below --dev-per-mille, test below \
            dev + --test-per-mille, train otherwise); training uses the train part and validates on \
            the dev part, and the test part is left for evaluate-seq2seq --split test. A joint \
            byte-level BPE tokenizer with <pad>, <bos> and <eos> is trained on both sides of the \
            training pairs. Pairs with an empty side are skipped and counted; sentences longer than \
            --max-source-length / --max-target-length are truncated and counted.

            Progress (step, loss, tokens/s, ETA) and validation (dev loss, dev chrF of greedy \
            translations) go to standard error. The run directory (-o) receives config.json, \
            model.safetensors, tokenizer.json and the training state at every checkpoint; --resume \
            continues where the last checkpoint stopped. --minutes stops at a wall-clock budget \
            (with a checkpoint); the learning-rate schedule still spans --steps. The final line gives \
            the speed over the whole loop and over the training steps alone (wall and process CPU \
            time, without validation and checkpoints).

            --batch-log FILE writes one JSON line per step of this invocation, {"step": n, "pairs": \
            [i, ...], "source": [[ids], ...], "target": [[ids], ...]}: the indices of the batch's \
            pairs in the train part (corpus order) and the ids trained on (sources end in <eos>; \
            targets have neither <bos> nor <eos>), so another implementation can train on the same \
            batches in the same order and check its own encoding against them.

            --arch rnn-attention: an LSTM or GRU encoder (--cell, --bidirectional: directions summed) \
            whose final state of each layer starts the decoder, and Luong's global dot-product \
            attention (s_t·h_i over the real source positions, softmax, context concatenated with \
            s_t, tanh layer, softmax over the vocabulary; no input feeding). --arch rnn: the same \
            without attention (the fixed-size context). For both, --dim is the embedding and hidden \
            width and --layers the layers of the encoder and of the decoder; --heads, --ffn-dim, \
            --norm and --activation are Transformer options.

            Example: tessera train-seq2seq --pairs Corpora/parallel/en-ko.ui.sample.jsonl --src-field en --tgt-field ko --minutes 5 -o runs/en-ko
            """
    )

    @OptionGroup var input: ParallelInput
    @Option(help: "Validation pairs (JSONL with the same fields); default: the dev part of the split.") var dev: String?
    @Option(name: .customLong("dev-per-mille"), help: "Split: per-mille of pairs held out for dev.") var devPerMille: Int = 50
    @Option(name: .customLong("test-per-mille"), help: "Split: per-mille of pairs held out for test.") var testPerMille: Int = 50
    @Option(help: "Architecture: transformer|rnn-attention|rnn.") var arch: Seq2SeqConfig.Architecture = .transformer
    @Option(help: "Recurrent cell of --arch rnn-attention / rnn: lstm|gru.") var cell: Seq2SeqCell = .lstm
    @Flag(help: "Bidirectional recurrent encoder (--arch rnn-attention / rnn): the two directions are summed.") var bidirectional = false
    @Option(help: "Encoder and decoder blocks (Transformer) or recurrent layers, each.") var layers: Int = 3
    @Option(help: "Attention heads.") var heads: Int = 4
    @Option(help: "Model width.") var dim: Int = 256
    @Option(name: .customLong("ffn-dim"), help: "FFN hidden width (default: 4 × dim).") var ffnDim: Int?
    @Option(help: "Layer norm: post (the paper) | pre.") var norm: Seq2SeqConfig.Norm = .post
    @Option(help: "FFN activation: relu (the paper) | gelu.") var activation: Activation = .relu
    @Option(name: .customLong("label-smoothing"), help: "Label smoothing ε.") var labelSmoothing: Float = 0.1
    @Option(name: .customLong("vocab-size"), help: "Joint tokenizer vocabulary size.") var vocabSize: Int = 8000
    @Option(name: .customLong("max-source-length"), help: "Most source tokens (<eos> included); longer sources are truncated.")
    var maxSourceLength: Int = 64
    @Option(name: .customLong("max-target-length"), help: "Most target tokens (<eos> included); longer targets are truncated.")
    var maxTargetLength: Int = 64
    @Option(name: .customLong("batch-tokens"), help: "Padded tokens per batch (sentences × longest side).") var batchTokens: Int = 2048
    @Option(help: "Total optimization steps (the schedule's length).") var steps: Int = 2000
    @Option(help: "Stop after this many minutes of training (wall clock), with a checkpoint.") var minutes: Double?
    @Option(help: "Peak learning rate.") var lr: Float = 1e-3
    @Option(help: "Warm-up steps.") var warmup: Int = 200
    @Option(name: .customLong("weight-decay"), help: "AdamW decoupled weight decay (matrices only).") var weightDecay: Float = 0.01
    @Option(help: "Global gradient-norm clip (0: off).") var clip: Float = 1.0
    @Option(help: "Random seed (weights, batch order).") var seed: UInt64 = 1
    @Option(help: "Threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("eval-interval"), help: "Steps between validations (dev loss and chrF).") var evalInterval: Int = 250
    @Option(name: .customLong("eval-sentences"), help: "Dev sentences translated (greedy) for the chrF shown during training.")
    var evalSentences: Int = 100
    @Option(name: .customLong("checkpoint-interval"), help: "Steps between checkpoints (a final one is always written).")
    var checkpointInterval: Int = 500
    @Option(name: .customLong("log-interval"), help: "Steps between progress lines.") var logInterval: Int = 20
    @Option(
        name: .customLong("batch-log"),
        help: ArgumentHelp(
            "Write each step's batch as a JSON line: step, indices of its pairs in the train part, their source and target ids.",
            discussion: "For replaying the same data order in another implementation (scripts/torch_seq2seq.py)."))
    var batchLog: String?
    @Option(name: .shortAndLong, help: "Run directory.") var output: String
    @Flag(help: "Continue the run in -o from its last checkpoint.") var resume = false
    @Flag(help: "Replace a finished run in -o.") var force = false

    func validate() throws {
        if arch == .transformer {
            if bidirectional { throw ValidationError("--bidirectional applies to --arch rnn-attention and rnn, not transformer") }
        }
        try OptionCheck.range("--dev-per-mille", devPerMille, 0...1000)
        try OptionCheck.range("--test-per-mille", testPerMille, 0...(1000 - devPerMille))
        try OptionCheck.range("--layers", layers, 1...64)
        try OptionCheck.range("--heads", heads, 1...256)
        try OptionCheck.range("--dim", dim, 2...16384)
        if arch == .transformer {
            guard dim % heads == 0 else { throw ValidationError("--dim \(dim) must be a multiple of --heads \(heads)") }
            guard dim % 2 == 0 else { throw ValidationError("--dim \(dim): expected an even width (sinusoidal positions)") }
        }
        if let ffnDim { try OptionCheck.range("--ffn-dim", ffnDim, 1...65536) }
        try OptionCheck.range("--label-smoothing", labelSmoothing, 0...1, openUpper: true)
        try OptionCheck.range("--vocab-size", vocabSize, 260...1_000_000)
        try OptionCheck.range("--max-source-length", maxSourceLength, 2...4096)
        try OptionCheck.range("--max-target-length", maxTargetLength, 2...4096)
        try OptionCheck.range("--batch-tokens", batchTokens, 1...10_000_000)
        try OptionCheck.range("--steps", steps, 1...100_000_000)
        if let minutes { try OptionCheck.range("--minutes", minutes, 0...1e6, openLower: true) }
        try OptionCheck.range("--lr", lr, 0...10, openLower: true)
        try OptionCheck.range("--warmup", warmup, 0...100_000_000)
        try OptionCheck.range("--weight-decay", weightDecay, 0...10)
        try OptionCheck.range("--clip", clip, 0...1e6)
        try OptionCheck.threads(threads)
        try OptionCheck.range("--eval-interval", evalInterval, 0...100_000_000)
        try OptionCheck.range("--eval-sentences", evalSentences, 0...1_000_000)
        try OptionCheck.range("--checkpoint-interval", checkpointInterval, 0...100_000_000)
        try OptionCheck.range("--log-interval", logInterval, 1...100_000_000)
        if let dev { try OptionCheck.readable("--dev", dev) }
        if resume && force { throw ValidationError("--resume and --force contradict each other") }
        if let batchLog, batchLog.isEmpty { throw ValidationError("--batch-log: expected a file path") }
    }

    func run() throws {
        let state = try RunDirectory.claim(output, as: .translation)
        if resume && state != .owned { throw ValidationError("--resume: \(output) holds no translation run to resume") }
        if !resume && !force && state == .owned && Seq2SeqModelDirectory.isModelDirectory(output) {
            throw ValidationError(
                "\(output) already holds a trained model: add --resume to continue it, --force to replace it, or choose another -o")
        }
        // Data: the split (or --dev), skipped and truncated counts.
        let corpus = try input.read()
        let split = CorpusSplit(devPerMille: devPerMille, testPerMille: testPerMille)
        let trainPairs: [ParallelPair], devPairs: [ParallelPair]
        if let dev {
            trainPairs = corpus.pairs
            devPairs = try ParallelCorpusReader.readJSONL(path: dev, sourceField: input.srcField, targetField: input.tgtField).pairs
        } else {
            trainPairs = split.pairs(.train, of: corpus.pairs)
            devPairs = split.pairs(.dev, of: corpus.pairs)
        }
        guard !trainPairs.isEmpty else { throw ValidationError("\(corpus.origin): no pair left for training after the split") }
        // The batch log's path is checked (not an input, not a directory) before the run directory is taken.
        let batchWriter = try batchLog.map { try AtomicFileWriter(path: $0, inputs: input.inputPaths + (dev.map { [$0] } ?? [])) }

        // The input is good: take the run directory.
        try RunDirectory.makeDirectories(output)
        let lock = try RunDirectory.lock(output)
        defer { withExtendedLifetime(lock) {} }
        RunDirectory.removeStale(output + ".saving", kind: .translation)
        if state != .owned { try RunDirectory.create(output, as: .translation) }
        Matmul.setThreads(threads)
        log(
            "data: \(corpus.pairs.count) pairs from \(corpus.origin) (\(corpus.skippedEmpty) skipped: empty source or target); "
                + "train \(trainPairs.count), dev \(devPairs.count)"
                + (dev == nil ? " (split by FNV-1a of the source, dev \(devPerMille)‰, test \(testPerMille)‰)" : ""))

        // Model, vocabulary, trainer.
        let model: any Seq2SeqNetwork, vocabulary: TranslationVocabulary
        var options = Seq2SeqTrainingOptions()
        if resume {
            (model, vocabulary) = try Seq2SeqModelDirectory.load(output)
            guard let saved = Seq2SeqModelDirectory.savedState(output) else {
                throw ValidationError("\(output): no training state to resume")
            }
            options = saved.options
            options.steps = steps
        } else {
            let started = DispatchTime.now().uptimeNanoseconds
            vocabulary = try TranslationVocabulary.train(
                pairs: trainPairs, vocabularySize: vocabSize, scratchDirectory: output, threads: threads)
            log(
                String(
                    format: "tokenizer: joint byte-level BPE, %d tokens, trained in %.1f s", vocabulary.size,
                    Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
            var config = Seq2SeqConfig(
                vocabSize: vocabulary.size, dim: dim, heads: heads, encoderLayers: layers, decoderLayers: layers,
                ffnDim: ffnDim ?? 4 * dim, maxSourceLength: maxSourceLength, maxTargetLength: maxTargetLength,
                norm: norm, activation: activation, labelSmoothing: labelSmoothing, padID: vocabulary.padID,
                bosID: vocabulary.bosID, eosID: vocabulary.eosID)
            config.architecture = arch
            if arch != .transformer {
                config.cell = cell.recurrentCell
                config.bidirectional = bidirectional
            }
            model = try Seq2SeqNetworks.make(config: config, seed: seed)
            options.batchTokens = batchTokens; options.steps = steps; options.learningRate = lr; options.warmup = warmup
            options.weightDecay = weightDecay; options.clip = clip; options.seed = seed; options.evalInterval = evalInterval
            options.evalSentences = evalSentences; options.checkpointInterval = checkpointInterval
        }
        model.threads = threads
        let encoder = try ExampleEncoder(
            vocabulary: vocabulary, maxSourceLength: model.config.maxSourceLength,
            maxTargetLength: model.config.maxTargetLength)
        let (trainExamples, trainReport) = encoder.encode(trainPairs)
        let (devExamples, devReport) = encoder.encode(devPairs)
        log(
            "truncated: train \(trainReport.truncatedSources) sources / \(trainReport.truncatedTargets) targets, "
                + "dev \(devReport.truncatedSources) / \(devReport.truncatedTargets) (max \(model.config.maxSourceLength) / \(model.config.maxTargetLength) tokens)"
        )
        let trainer = try Seq2SeqTrainer(model: model, examples: trainExamples, options: options)
        if resume { try Seq2SeqModelDirectory.restore(trainer, from: output) }
        var batchLogError: (any Error)?
        if let batchWriter {
            trainer.batchObserver = { step, indices in
                func ids(_ rows: [[Int32]]) -> String { "[" + rows.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: ",") + "]" }
                let line =
                    "{\"step\":\(step),\"pairs\":[\(indices.map(String.init).joined(separator: ","))],"
                    + "\"source\":\(ids(indices.map { trainExamples[$0].source })),\"target\":\(ids(indices.map { trainExamples[$0].target }))}\n"
                do { try batchWriter.write(line) } catch { batchLogError = batchLogError ?? error }
            }
        }
        let c = model.config
        let shape =
            c.architecture == .transformer
            ? "transformer, \(c.encoderLayers)+\(c.decoderLayers) layers, \(c.heads) heads, dim \(c.dim), ffn \(c.ffnDim), "
                + "\(c.norm.rawValue)-LN, \(c.activation.rawValue)"
            : "\(c.architecture.rawValue), \(c.isBidirectional ? "bidirectional " : "")\(c.recurrentCell.rawValue) encoder, "
                + "\(c.encoderLayers)+\(c.decoderLayers) layers, dim \(c.dim)"
        log(
            "model: \(shape), label smoothing \(c.labelSmoothing); \(model.parameterCount) parameters; "
                + "\(trainer.batchesPerEpoch) batches per epoch; \(threads) threads")

        let translator = try Translator(model: model, vocabulary: vocabulary, options: DecodingOptions())
        let chrfPairs = Array(devPairs.prefix(options.evalSentences))
        func validate() throws {
            guard !devExamples.isEmpty else { return }
            let devLoss = try Seq2SeqTrainer.loss(of: model, examples: devExamples, batchTokens: options.batchTokens)
            var line = String(format: "step %d | dev loss %.4f", trainer.step, devLoss)
            if !chrfPairs.isEmpty {
                let hypotheses = chrfPairs.map { translator.translate($0.source).text }
                let chrf = try CHRF().corpusScore(hypotheses: hypotheses, references: chrfPairs.map(\.target))
                line += String(format: " | dev chrF %.2f (greedy, %d sentences)", chrf.score, chrfPairs.count)
            }
            log(line)
        }
        func save() throws { try Seq2SeqModelDirectory.save(to: output, model: model, tokenizer: vocabulary.tokenizer, trainer: trainer) }

        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = minutes.map { start + UInt64($0 * 60e9) }
        var windowStart = start, windowTokens = 0, windowLoss = 0.0, windowSteps = 0, totalTokens = 0
        var stepNanoseconds: UInt64 = 0, stepCPUSeconds = 0.0
        while trainer.step < options.steps {
            if let deadline, DispatchTime.now().uptimeNanoseconds >= deadline {
                log("--minutes \(minutes ?? 0): wall-clock budget reached at step \(trainer.step)")
                break
            }
            let stepStart = DispatchTime.now().uptimeNanoseconds, cpuStart = BenchTrainLMCommand.processCPUSeconds()
            let result = try trainer.trainStep()
            stepNanoseconds += DispatchTime.now().uptimeNanoseconds - stepStart
            stepCPUSeconds += BenchTrainLMCommand.processCPUSeconds() - cpuStart
            windowTokens += result.tokens
            totalTokens += result.tokens
            windowLoss += Double(result.loss)
            windowSteps += 1
            let s = trainer.step
            if s % logInterval == 0 || s == options.steps {
                let now = DispatchTime.now().uptimeNanoseconds
                let seconds = Double(now - windowStart) / 1e9
                var eta = Double(options.steps - s) * seconds / Double(max(windowSteps, 1))
                if let deadline { eta = min(eta, Double(deadline > now ? deadline - now : 0) / 1e9) }
                log(
                    String(
                        format: "step %d/%d | loss %.4f | lr %.2e | norm %.2f | %.0f target tok/s | epoch %d | ETA %@", s, options.steps,
                        windowLoss / Double(max(windowSteps, 1)), options.schedule.rate(at: s - 1), result.gradientNorm,
                        Double(windowTokens) / max(seconds, 1e-9), trainer.epoch, LMFormat.duration(eta)))
                windowStart = now; windowTokens = 0; windowLoss = 0; windowSteps = 0
            }
            if options.evalInterval > 0 && s % options.evalInterval == 0 { try validate() }
            if options.checkpointInterval > 0 && s % options.checkpointInterval == 0 { try save() }
        }
        try save()
        if let batchWriter {
            if let batchLogError { throw batchLogError }
            try batchWriter.commit()
        }
        if options.evalInterval == 0 || trainer.step % options.evalInterval != 0 { try validate() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let stepSeconds = Double(stepNanoseconds) / 1e9
        log(
            String(
                format: "done: step %d, %d target tokens in %@ (%.0f tok/s); saved %@", trainer.step, totalTokens,
                LMFormat.duration(elapsed),
                Double(totalTokens) / max(elapsed, 1e-9), output))
        log(
            String(
                format: "training steps alone: %.2f s wall (%.0f target tok/s), %.2f s process CPU (%.0f target tok/CPU-s)",
                stepSeconds, Double(totalTokens) / max(stepSeconds, 1e-9), stepCPUSeconds,
                Double(totalTokens) / max(stepCPUSeconds, 1e-9)))
    }

    private func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}
