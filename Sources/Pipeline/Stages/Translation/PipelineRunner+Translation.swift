import ArtifactIO
import EncoderDecoder
import Foundation
import TensorOps
import Tokenization
import TranslationMetrics

/// The translation track, on `EncoderDecoder`'s library API: `translation-tokenizer` (the pairs read,
/// split by a hash of the source side, a joint tokenizer trained on the train part),
/// `translation-model` (an encoder–decoder trained for `translation.minutes`) and
/// `translation-evaluate` (BLEU, chrF and loss on dev and test, example translations, the
/// cross-attention of `translation.attentionText`). Their artifacts live in `RUN/translation/`.
extension PipelineRunner {
    /// Whether `stage` runs under this configuration (the translation stages only when
    /// `translation.enabled`, the masked-LM stages only when `mlm.enabled`).
    func isEnabled(_ stage: PipelineStage) -> Bool {
        switch stage {
        case .translationTokenizer, .translationModel, .translationEvaluate: config.translation.enabled
        case .mlmTokenizer, .mlmModel, .mlmEvaluate: config.mlm.enabled
        default: true
        }
    }

    /// Adds to `f` the options and upstream fingerprints of a translation stage: each stage's own
    /// keys only, so a decoding key re-runs only the evaluation, a model key the model and the
    /// evaluation, a data key all three.
    func translationFingerprint(of stage: PipelineStage, into f: inout Fingerprint) throws {
        let t = config.translation
        func upstream(_ s: PipelineStage) throws { f.add(try fingerprints[s] ?? fingerprint(of: s)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        switch stage {
        case .translationTokenizer:
            try f.addFile(t.pairs)
            f.add("\(t.sourceField)|\(t.targetField)|\(t.devPerMille)|\(t.testPerMille)|\(t.vocabSize)")
        case .translationModel:
            try upstream(.translationTokenizer)
            // The model's keys: everything but the data keys (upstream) and the evaluation keys.
            var model = t
            let defaults = PipelineConfig.TranslationStage()
            model.pairs = ""
            model.threads = 0
            model.beam = defaults.beam
            model.lengthPenalty = defaults.lengthPenalty
            model.examples = defaults.examples
            model.attentionText = defaults.attentionText
            f.add(String(decoding: try encoder.encode(model), as: UTF8.self))
        case .translationEvaluate:
            try upstream(.translationModel)
            f.add("beam=\(t.beam)|lp=\(t.lengthPenalty)|examples=\(t.examples)|attention=\(t.attentionText)")
        default:
            break
        }
    }

    /// The pairs of `translation.pairs` and their split.
    func translationData() throws -> (corpus: ParallelCorpus, train: [ParallelPair], dev: [ParallelPair], test: [ParallelPair]) {
        let t = config.translation
        let corpus = try ParallelCorpusReader.readJSONL(path: t.pairs, sourceField: t.sourceField, targetField: t.targetField)
        let split = CorpusSplit(devPerMille: t.devPerMille, testPerMille: t.testPerMille)
        let train = split.pairs(.train, of: corpus.pairs), dev = split.pairs(.dev, of: corpus.pairs)
        let test = split.pairs(.test, of: corpus.pairs)
        guard !train.isEmpty else { throw PipelineError("field 'translation.pairs': \(t.pairs): no pair left for training after the split") }
        guard !dev.isEmpty, !test.isEmpty else {
            throw PipelineError(
                "field 'translation.pairs': \(t.pairs): the split leaves \(dev.count) dev and \(test.count) test pairs; "
                    + "expected at least one of each (more pairs, or larger translation.devPerMille / testPerMille)")
        }
        return (corpus, train, dev, test)
    }

    func runTranslationTokenizer() throws -> ([String], [String: Double]) {
        let t = config.translation
        try FileManager.default.createDirectory(atPath: path("translation"), withIntermediateDirectories: true)
        let data = try translationData()
        log(
            "  \(data.corpus.pairs.count) pairs from \(t.pairs) (\(data.corpus.skippedEmpty) skipped: empty side); "
                + "train \(data.train.count), dev \(data.dev.count), test \(data.test.count)")
        let vocabulary = try TranslationVocabulary.train(
            pairs: data.train, vocabularySize: t.vocabSize, scratchDirectory: path("translation"), threads: config.translationThreads)
        try TokenizerFile.save(vocabulary.tokenizer, to: path("translation/tokenizer.json"))
        log("  joint byte-level BPE: \(vocabulary.size) tokens")
        return (
            ["translation/tokenizer.json"],
            [
                "pairs": Double(data.corpus.pairs.count), "skipped_empty": Double(data.corpus.skippedEmpty),
                "train_pairs": Double(data.train.count), "dev_pairs": Double(data.dev.count), "test_pairs": Double(data.test.count),
                "vocabulary": Double(vocabulary.size),
            ]
        )
    }

    func runTranslationModel() throws -> ([String], [String: Double]) {
        let t = config.translation
        let threads = config.translationThreads
        let vocabulary = try TranslationVocabulary(tokenizer: try TokenizerFile.load(path("translation/tokenizer.json")))
        let data = try translationData()
        var modelConfig = Seq2SeqConfig(
            vocabSize: vocabulary.size, dim: t.dim, heads: t.heads, encoderLayers: t.layers, decoderLayers: t.layers, ffnDim: t.ffnDim,
            maxSourceLength: t.maxSourceLength, maxTargetLength: t.maxTargetLength, labelSmoothing: Float(t.labelSmoothing),
            padID: vocabulary.padID, bosID: vocabulary.bosID, eosID: vocabulary.eosID)
        modelConfig.architecture = t.arch
        if t.arch != .transformer {
            modelConfig.cell = t.cell
            modelConfig.bidirectional = t.bidirectional
        }
        let model = try Seq2SeqNetworks.make(config: modelConfig, seed: UInt64(t.seed))
        Matmul.setThreads(threads)
        model.threads = threads
        var options = Seq2SeqTrainingOptions()
        options.batchTokens = t.batchTokens
        options.steps = t.steps
        options.learningRate = Float(t.lr)
        options.warmup = min(t.warmup, max(t.steps - 1, 0))
        options.seed = UInt64(t.seed)
        options.evalInterval = 0
        options.checkpointInterval = 0
        let encoder = try ExampleEncoder(vocabulary: vocabulary, maxSourceLength: t.maxSourceLength, maxTargetLength: t.maxTargetLength)
        let (trainExamples, trainReport) = encoder.encode(data.train)
        let (devExamples, _) = encoder.encode(data.dev)
        let trainer = try Seq2SeqTrainer(model: model, examples: trainExamples, options: options)
        log(
            "  \(t.arch.rawValue): \(model.parameterCount) parameters; \(trainer.batchesPerEpoch) batches per epoch; "
                + "budget \(t.minutes > 0 ? "\(t.minutes) min or " : "")\(t.steps) steps; \(threads) threads; "
                + "truncated \(trainReport.truncatedSources) sources / \(trainReport.truncatedTargets) targets")

        // Training until the step count or the wall-clock budget; dev loss ten times along the way.
        let start = Date()
        let budget = t.minutes > 0 ? t.minutes * 60 : Double.infinity
        let evalEvery = max(1, t.steps / 10)
        var curve: [CurvePoint] = []
        var lossSum = 0.0, lossCount = 0, tokens = 0
        func validate() throws {
            let devLoss = try Seq2SeqTrainer.loss(of: model, examples: devExamples, batchTokens: t.batchTokens)
            curve.append(CurvePoint(step: trainer.step, trainLoss: nil, valLoss: devLoss, seconds: Date().timeIntervalSince(start)))
            log(String(format: "  step %d/%d  dev loss %.3f  %.0f s", trainer.step, t.steps, devLoss, Date().timeIntervalSince(start)))
        }
        while trainer.step < t.steps && Date().timeIntervalSince(start) < budget {
            let result = try trainer.trainStep()
            lossSum += Double(result.loss)
            lossCount += 1
            tokens += result.tokens
            if trainer.step % 10 == 0 || trainer.step == t.steps {
                curve.append(
                    CurvePoint(
                        step: trainer.step, trainLoss: lossSum / Double(lossCount), valLoss: nil, seconds: Date().timeIntervalSince(start)))
                lossSum = 0
                lossCount = 0
            }
            if trainer.step % evalEvery == 0 && trainer.step < t.steps { try validate() }
        }
        let seconds = Date().timeIntervalSince(start)
        if trainer.step < t.steps { log("  translation.minutes \(t.minutes): wall-clock budget reached at step \(trainer.step)") }
        try validate()
        try Seq2SeqModelDirectory.save(to: path("translation/model"), model: model, tokenizer: vocabulary.tokenizer, trainer: nil)
        try writeJSON(curve, to: "translation/curve.json")
        return (
            ["translation/model/config.json", "translation/model/model.safetensors", "translation/curve.json"],
            [
                "parameters": Double(model.parameterCount), "steps": Double(trainer.step), "train_seconds": seconds,
                "target_tokens_per_s": Double(tokens) / max(seconds, 1e-9), "dev_loss": curve.last?.valLoss ?? .nan,
            ]
        )
    }

    func runTranslationEvaluate() throws -> ([String], [String: Double]) {
        let t = config.translation
        let threads = config.translationThreads
        Matmul.setThreads(threads)
        let (model, vocabulary) = try Seq2SeqModelDirectory.load(path("translation/model"))
        model.threads = threads
        let data = try translationData()
        let decoding = DecodingOptions(beamSize: t.beam, lengthPenalty: t.lengthPenalty)
        let translator = try Translator(model: model, vocabulary: vocabulary, options: decoding)
        let encoder = try ExampleEncoder(
            vocabulary: vocabulary, maxSourceLength: model.config.maxSourceLength, maxTargetLength: model.config.maxTargetLength)
        var scores: [TranslationScores] = []
        var examples: [TranslationSample] = []
        for (name, pairs) in [("dev", data.dev), ("test", data.test)] {
            let start = Date()
            let (bleu, chrf, hypotheses) = try Seq2SeqTrainer.score(translator, pairs: pairs)
            let loss = try Seq2SeqTrainer.loss(of: model, examples: encoder.encode(pairs).examples, batchTokens: 4096)
            scores.append(
                TranslationScores(
                    split: name, sentences: pairs.count, bleu: bleu.score, chrf: chrf.score, loss: loss,
                    decodeSeconds: Date().timeIntervalSince(start)))
            log(String(format: "  %@: BLEU %.2f  chrF %.2f  loss %.3f (%d sentences)", name, bleu.score, chrf.score, loss, pairs.count))
            if name == "test" {
                examples = zip(pairs, hypotheses).prefix(t.examples).map {
                    TranslationSample(source: $0.0.source, reference: $0.0.target, hypothesis: $0.1)
                }
            }
        }
        let evaluation = TranslationEvaluation(
            scores: scores, examples: examples, beam: t.beam, lengthPenalty: t.lengthPenalty,
            bleuSignature: BLEU.signature, chrfSignature: CHRF.signature)
        try writeJSON(evaluation, to: "translation/evaluation.json")
        var outputs = ["translation/evaluation.json"]

        // Cross-attention of the report's sentence (greedy, as `tessera attention` draws it); the
        // arch without attention has none.
        try? FileManager.default.removeItem(atPath: path("translation/attention.json"))
        if model.config.architecture != .rnn {
            let greedy = try Translator(model: model, vocabulary: vocabulary, options: DecodingOptions())
            let source = greedy.sourceIDs(t.attentionText).ids
            let output = greedy.decoder.decode(source: source)
            let maps = try model.crossAttentionMaps(source: source, output: output)
            let file = CrossAttentionFile(
                source: source.map { vocabulary.tokenizer.decode([UInt32($0)]) },
                output: (output + [vocabulary.eosID]).prefix(model.config.maxTargetLength).map { vocabulary.tokenizer.decode([UInt32($0)]) },
                translation: vocabulary.decode(output), layers: maps)
            try writeJSON(file, to: "translation/attention.json")
            outputs.append("translation/attention.json")
        }
        var metrics: [String: Double] = [:]
        for s in scores {
            metrics["\(s.split)_bleu"] = s.bleu
            metrics["\(s.split)_chrf"] = s.chrf
        }
        return (outputs, metrics)
    }
}
