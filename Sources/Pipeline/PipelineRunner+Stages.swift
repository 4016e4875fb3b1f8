import ArtifactIO
import Embeddings
import Foundation
import NeuralCore
import TensorOps
import TextNormalization
import Tokenization
import TransformerLM

/// The work of each stage. Every artifact goes through a temporary file and a rename.
extension PipelineRunner {
    // MARK: normalize

    func runNormalize() throws -> ([String], [String: Double]) {
        try FileManager.default.createDirectory(atPath: path("corpus"), withIntermediateDirectories: true)
        let options = config.normalize
        let normalizer = Normalizer(form: NormalizationForm(rawValue: options.form) ?? .nfkc, lowercase: options.lowercase,
                                    clean: options.clean, keepNewlines: true)
        var scratch = NormalizationScratch()
        var buffer: [UInt8] = []
        var bytesIn = 0, bytesOut = 0
        for (file, target) in zip(corpusFiles, normalizedFiles) {
            let writer = try AtomicFileWriter(path: path(target))
            let reader = try TextChunkReader(path: file, options: .init(replaceInvalid: options.replaceInvalid, rejectNUL: !options.replaceInvalid))
            try reader.forEachChunk { chunk, _ in
                buffer.removeAll(keepingCapacity: true)
                normalizer.normalize(chunk, into: &buffer, scratch: &scratch)
                Self.dropCarriageReturns(&buffer)
                bytesIn += chunk.count
                bytesOut += buffer.count
                try writer.write(buffer)
            }
            try writer.commit()
        }
        log("  \(corpusFiles.count) files, \(bytesIn) bytes in, \(bytesOut) bytes out")
        return (normalizedFiles, ["files": Double(corpusFiles.count), "bytes_in": Double(bytesIn), "bytes_out": Double(bytesOut)])
    }

    /// CRLF line ends become LF, so that every corpus ends its lines the same way.
    static func dropCarriageReturns(_ bytes: inout [UInt8]) {
        var w = 0
        for r in bytes.indices {
            if bytes[r] == 0x0D && r + 1 < bytes.count && bytes[r + 1] == 0x0A { continue }
            bytes[w] = bytes[r]
            w += 1
        }
        bytes.removeLast(bytes.count - w)
    }

    // MARK: tokenizer

    func runTokenizer() throws -> ([String], [String: Double]) {
        let options = config.tokenizer
        let recipe = try TokenizerRecipe(model: options.model, normalize: config.normalize.form, lowercase: config.normalize.lowercase,
                                         specialTokens: options.specialTokens.joined(separator: ","))
        let counts = try recipe.counter(threads: config.lm.threads).count(paths: normalizedFiles.map(path))
        let tokenizer = try recipe.train(counts, vocabularySize: options.vocabSize, minFrequency: UInt64(max(options.minFrequency, 0)))
        try TokenizerFile.save(tokenizer, to: path("tokenizer.json"))
        log("  vocabulary of \(tokenizer.vocabularySize) ids")
        return (["tokenizer.json"], ["vocab_size": Double(tokenizer.vocabularySize)])
    }

    // MARK: encode

    func runEncode() throws -> ([String], [String: Double]) {
        let tokenizer = try loadTokenizer()
        let encoder = CorpusEncoder(tokenizer: tokenizer, threads: config.lm.threads)
        let separator = tokenizer.endOfTextID
        var blocks: [ArraySlice<UInt32>] = [], validation: [UInt32] = []
        var bytes = 0
        let blockTokens = 8 * config.lm.context
        for file in normalizedFiles.map(path) {
            var ids = try encoder.encodeStream(paths: [file])
            bytes += Int((try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0)
            // The tail of every document is held out, so validation covers every language.
            let cut = ids.count - Int(Double(ids.count) * config.validationFraction)
            validation += ids[cut...]
            ids.removeLast(ids.count - cut)
            if let separator {
                ids.append(separator)
                validation.append(separator)
            }
            blocks += stride(from: 0, to: ids.count, by: blockTokens).map { ids[$0..<min($0 + blockTokens, ids.count)] }
        }
        // The trainer reads its shard in order: shuffled blocks of 8 contexts mix the documents
        // (and languages) within every stretch of training, instead of one book after another.
        var rng = SeededGenerator(seed: 0x5EED_B10C)
        blocks.shuffle(using: &rng)
        let train = Array(blocks.joined())
        try FileManager.default.createDirectory(atPath: path("data"), withIntermediateDirectories: true)
        try TokenShard.write(train, vocabularySize: tokenizer.vocabularySize, to: path("data/train.bin"))
        try TokenShard.write(validation, vocabularySize: tokenizer.vocabularySize, to: path("data/val.bin"))
        let bytesPerToken = Double(bytes) / Double(max(train.count + validation.count, 1))
        log("  \(train.count) training and \(validation.count) validation tokens, \(String(format: "%.2f", bytesPerToken)) bytes per token")
        return (["data/train.bin", "data/val.bin"],
                ["train_tokens": Double(train.count), "val_tokens": Double(validation.count), "bytes_per_token": bytesPerToken])
    }

    // MARK: embeddings

    func runEmbeddings() throws -> ([String], [String: Double]) {
        guard config.embeddings.enabled else {
            log("  disabled: the language model starts from random embeddings")
            return ([], [:])
        }
        let options = config.embeddings
        let tokenizer = try loadTokenizer()
        let corpus = try TokenCorpusBuilder(vocabulary: TokenizerVocabulary(tokenizer: tokenizer), minCount: options.minCount)
            .build(shardPath: path("data/train.bin"))
        var skipGram = SkipGramConfiguration()
        skipGram.dimension = config.lm.dim
        skipGram.window = options.window
        skipGram.negative = options.negative
        skipGram.sample = options.sample
        skipGram.minCount = options.minCount
        skipGram.epochs = options.epochs
        skipGram.alpha = options.alpha
        skipGram.threads = options.threads
        skipGram.seed = UInt64(max(options.seed, 0))
        var (table, summary) = try SkipGramTrainer(configuration: skipGram).train(corpus)
        table.metadata = ["mode": "tokens", "untrained_ids": "[" + corpus.untrainedRows.map(String.init).joined(separator: ",") + "]"]
        try table.save(path("embeddings.safetensors"), format: .safetensors)
        log(String(format: "  %d words in %.1f s (%.0f words/s)", summary.words, summary.seconds, summary.wordsPerSecond))
        return (["embeddings.safetensors"], ["words_per_s": summary.wordsPerSecond, "train_seconds": summary.seconds])
    }

    // MARK: lm

    /// One point of the loss curves.
    struct CurvePoint: Codable {
        var step: Int
        var trainLoss: Double?
        var valLoss: Double?
    }

    /// Trains the model; `fresh` (the stage was named by `--from`) starts over instead of resuming.
    func runLanguageModel(fingerprint: String, fresh: Bool = false) throws -> ([String], [String: Double]) {
        let options = config.lm
        let directory = path("lm")
        let tokenizer = try loadTokenizer()
        let vocabularySize = tokenizer.vocabularySize
        let train = try TokenStream.read(path("data/train.bin"), vocabularySize: vocabularySize)
        let validation = try TokenStream.read(path("data/val.bin"), vocabularySize: vocabularySize)
        let tokenizerBytes = Array(try Data(contentsOf: URL(fileURLWithPath: path("tokenizer.json"))))
        let markerPath = path("lm/pipeline-fingerprint")
        // Resume only a whole checkpoint of this very configuration (a damaged one trains afresh).
        let resumable = !fresh && (try? String(contentsOfFile: markerPath, encoding: .utf8)) == fingerprint && Checkpoint.savedOptions(directory) != nil
            && (try? Checkpoint.loadModel(directory)) != nil

        let model: TransformerModel
        let trainer: Trainer
        var curve: [CurvePoint] = []
        if resumable {
            model = try Checkpoint.loadModel(directory, threads: options.threads)
            guard let saved = Checkpoint.savedOptions(directory) else { throw PipelineError("\(directory): training state vanished") }
            trainer = try Trainer(model: model, options: saved, train: train, validation: validation)
            try Checkpoint.restore(trainer, from: directory)
            curve = ((try? readJSON([CurvePoint].self, from: "lm/curve.json")) ?? []).filter { $0.step <= trainer.step }
            log("  resuming from step \(trainer.step)")
        } else {
            // Only a model directory of ours is replaced; anything else at RUN/lm is an error naming it.
            if try RunDirectory.claim(directory, as: .languageModel, legacy: Checkpoint.isUnmarkedRun) != .absent {
                RunDirectory.removeStale(directory, kind: .languageModel, legacy: Checkpoint.isUnmarkedRun)
            }
            RunDirectory.removeStale(directory + ".previous", kind: .languageModel, legacy: Checkpoint.isUnmarkedRun)
            RunDirectory.removeStale(directory + ".saving", kind: .languageModel, legacy: Checkpoint.isUnmarkedRun)
            try RunDirectory.create(directory, as: .languageModel)
            let modelConfig = ModelConfig(
                vocabSize: vocabularySize, contextLength: options.context, layers: options.layers, heads: options.heads,
                dim: options.dim, ffnDim: options.ffnDim,
                positions: ModelConfig.Positions(rawValue: options.positions) ?? .learned,
                norm: ModelConfig.Norm(rawValue: options.norm) ?? .pre,
                activation: ModelConfig.Activation(rawValue: options.activation) ?? .gelu,
                ffn: ModelConfig.FFN(rawValue: options.ffn) ?? .dense,
                experts: options.experts, topK: options.topK, tieEmbeddings: options.tieEmbeddings, dropout: Float(options.dropout))
            model = try TransformerModel(config: modelConfig, threads: options.threads)
            model.initialize(seed: UInt64(max(options.seed, 0)))
            if config.embeddings.enabled {
                let scale = try EmbeddingImport.load(path("embeddings.safetensors"), into: model)
                log("  token embeddings initialized from Word2Vec (scaled by \(String(format: "%.3g", scale)))")
            }
            var training = TrainingOptions()
            training.batch = options.batch
            training.steps = options.steps
            training.learningRate = Float(options.lr)
            training.warmup = options.warmup
            training.weightDecay = Float(options.weightDecay)
            training.clip = Float(options.clip)
            training.seed = UInt64(max(options.seed, 0))
            training.evalInterval = options.evalEvery
            training.checkpointInterval = options.checkpointEvery
            trainer = try Trainer(model: model, options: training, train: train, validation: validation)
            try AtomicFileWriter.write(Array(fingerprint.utf8), to: markerPath)
        }
        log("  \(model.parameterCount) parameters; \(train.ids.count) training tokens; \(options.steps) steps of \(options.batch)×\(options.context)")

        let tokensPerStep = Double(options.batch * options.context)
        let start = Date()
        let firstStep = trainer.step
        var lossSum = 0.0, lossCount = 0
        var lastLog = Date()
        func checkpoint() throws {
            try Checkpoint.save(to: directory, model: model, trainer: trainer, tokenizer: tokenizerBytes)
            try writeJSON(curve, to: "lm/curve.json")
            // Checkpoint.save may move the previous checkpoint aside; the marker stays with the run.
            try AtomicFileWriter.write(Array(fingerprint.utf8), to: markerPath)
        }
        let finished = try trainer.run(stopAfter: interruptAfterSteps, checkpoint: checkpoint) { result, validationLoss in
            lossSum += Double(result.loss)
            lossCount += 1
            let step = trainer.step
            if step % 10 == 0 || step == options.steps {
                curve.append(CurvePoint(step: step, trainLoss: lossSum / Double(lossCount), valLoss: nil))
                lossSum = 0
                lossCount = 0
            }
            if let v = validationLoss {
                curve.append(CurvePoint(step: step, trainLoss: nil, valLoss: Double(v)))
                let elapsed = Date().timeIntervalSince(start)
                let rate = Double(step - firstStep) * tokensPerStep / max(elapsed, 1e-9)
                let eta = Double(options.steps - step) * tokensPerStep / max(rate, 1e-9)
                log(String(format: "  step %d/%d  train %.3f  val %.3f  %.0f tok/s  ETA %.0f s", step, options.steps,
                           curve.last(where: { $0.trainLoss != nil })?.trainLoss ?? .nan, v, rate, eta))
                lastLog = Date()
            } else if Date().timeIntervalSince(lastLog) > 30 {
                log("  step \(step)/\(options.steps)")
                lastLog = Date()
            }
        }
        guard finished else { throw PipelineError("lm: interrupted at step \(trainer.step) (interruptAfterSteps)") }
        let elapsed = Date().timeIntervalSince(start)
        let finalValidation = curve.last(where: { $0.valLoss != nil })?.valLoss ?? .nan
        return (["lm/model.safetensors", "lm/config.json", "lm/curve.json"],
                ["parameters": Double(model.parameterCount), "final_val_loss": finalValidation,
                 "tokens_per_s": Double(trainer.step - firstStep) * tokensPerStep / max(elapsed, 1e-9)])
    }

    // MARK: evaluate

    /// What the evaluate stage writes.
    struct Evaluation: Codable {
        var loss: Double
        var perplexity: Double
        var bitsPerByte: Double
        var tokens: Int
        var unigramLoss: Double
    }

    func runEvaluate() throws -> ([String], [String: Double]) {
        let tokenizer = try loadTokenizer()
        let model = try Checkpoint.loadModel(path("lm"), threads: config.lm.threads)
        let validation = try TokenStream.read(path("data/val.bin"), vocabularySize: tokenizer.vocabularySize)
        let result = try Evaluator.evaluate(model, stream: validation)
        let targets = result.targetIDs.map { UInt32(bitPattern: $0) }
        let bytes = tokenizer.decodeBytes(targets).count
        let train = try TokenShard.read(path("data/train.bin")).ids
        let unigram = UnigramBaseline(trainingIDs: train, vocabularySize: tokenizer.vocabularySize).loss(targets: targets)
        guard let bitsPerByte = Evaluator.bitsPerByte(loss: result.loss, tokens: result.tokens, bytes: bytes) else {
            throw PipelineError("evaluate: the \(result.tokens) validation targets decode to no bytes (bits per byte undefined)")
        }
        let evaluation = Evaluation(loss: result.loss, perplexity: result.perplexity, bitsPerByte: bitsPerByte,
                                    tokens: result.tokens, unigramLoss: unigram)
        try writeJSON(evaluation, to: "evaluation.json")
        log(String(format: "  validation loss %.4f (unigram %.4f), perplexity %.2f, %.3f bits per byte over %d tokens",
                   evaluation.loss, unigram, evaluation.perplexity, evaluation.bitsPerByte, evaluation.tokens))
        return (["evaluation.json"], ["loss": evaluation.loss, "perplexity": evaluation.perplexity,
                                      "bits_per_byte": evaluation.bitsPerByte, "unigram_loss": unigram])
    }

    // MARK: generate

    /// A generated sample.
    struct Sample: Codable {
        var prompt: String
        var text: String
    }

    /// Attention weights of a short text: `layers[l][h][i][j]`.
    struct AttentionMap: Codable {
        var tokens: [String]
        var layers: [[[[Double]]]]
    }

    func runGenerate() throws -> ([String], [String: Double]) {
        let options = config.generate
        let tokenizer = try loadTokenizer()
        let model = try Checkpoint.loadModel(path("lm"), threads: 1)
        let sampler = Sampler(model: model)
        let stop = tokenizer.endOfTextID.map { Int32(bitPattern: $0) }
        var samples: [Sample] = []
        for (k, prompt) in options.prompts.enumerated() {
            let ids = tokenizer.encode(prompt).map { Int32(bitPattern: $0) }
            let out = try sampler.generate(prompt: ids, maxTokens: options.maxTokens, temperature: Float(options.temperature),
                                           topK: options.topK, topP: 1, seed: UInt64(max(options.seed, 0) + k), stopToken: stop) { _ in }
            let text = prompt + tokenizer.decode(out.map { UInt32(bitPattern: $0) })
            samples.append(Sample(prompt: prompt, text: text))
            log("  sample \(k + 1): \(text.prefix(120).replacingOccurrences(of: "\n", with: " "))…")
        }
        try writeJSON(samples, to: "samples.json")

        let ids = Array(tokenizer.encode(config.report.attentionText).map { Int32(bitPattern: $0) }.prefix(model.config.contextLength))
        let layers = try model.attentionMaps(ids)
        let labels = ids.map { tokenizer.decode([UInt32(bitPattern: $0)]) }
        try writeJSON(AttentionMap(tokens: labels, layers: layers), to: "attention.json")
        return (["samples.json", "attention.json"], ["samples": Double(samples.count)])
    }
}
