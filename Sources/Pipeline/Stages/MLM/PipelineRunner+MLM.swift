import ArtifactIO
import Foundation
import MaskedLM
import NeuralCore
import Tokenization

/// The masked-LM track, on `MaskedLM`'s library API (the data setup `train-mlm` uses too):
/// `mlm-tokenizer` (each normalized corpus file's tail held out → `mlm/train.txt`,
/// `mlm/heldout.txt`; a WordPiece tokenizer trained on the training part), `mlm-model` (a BERT
/// encoder pretrained for `mlm.minutes`, with held-out loss and accuracy every `mlm.evalEvery`
/// steps) and `mlm-evaluate` (all held-out pairs with fixed masks against the unigram baseline;
/// fill-mask examples from held-out lines). Their artifacts live in `RUN/mlm/`.
extension PipelineRunner {
    /// Adds to `f` the options and upstream fingerprints of a masked-LM stage: each stage's own
    /// keys only, so an example key re-runs only the evaluation, a model key the model and the
    /// evaluation, a data key all three; no other stage reads an `mlm` key.
    func mlmFingerprint(of stage: PipelineStage, into f: inout Fingerprint) throws {
        let m = config.mlm
        func upstream(_ s: PipelineStage) throws { f.add(try fingerprints[s] ?? fingerprint(of: s)) }
        switch stage {
        case .mlmTokenizer:
            try upstream(.normalize)
            f.add("heldOut=\(m.heldOutFraction)|vocab=\(m.vocabSize)|minFrequency=\(m.minFrequency)|lowercase=\(config.normalize.lowercase)")
        case .mlmModel:
            try upstream(.mlmTokenizer)
            var model = m
            let defaults = PipelineConfig.MLMStage()
            model.heldOutFraction = defaults.heldOutFraction
            model.vocabSize = defaults.vocabSize
            model.minFrequency = defaults.minFrequency
            model.threads = 0
            model.examples = defaults.examples
            model.topK = defaults.topK
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            f.add(String(decoding: try encoder.encode(model), as: UTF8.self))
        case .mlmEvaluate:
            try upstream(.mlmModel)
            f.add("examples=\(m.examples)|topK=\(m.topK)")
        default:
            break
        }
    }

    /// The data options of the track's pairs and masks.
    var mlmDataOptions: PretrainingDataOptions {
        let m = config.mlm
        return PretrainingDataOptions(
            maxLength: m.context, maskProbability: m.maskProbability, wholeWord: m.wholeWord, batchSize: m.batch, seed: UInt64(m.seed))
    }

    func runMLMTokenizer() throws -> ([String], [String: Double]) {
        let m = config.mlm
        try FileManager.default.createDirectory(atPath: path("mlm"), withIntermediateDirectories: true)
        // Each file's tail is held out: from the line at 1 − heldOutFraction, moved to the next
        // blank line when one follows within 50 lines (paragraphs stay whole).
        var train = "", heldOut = ""
        var trainLines = 0, heldOutLines = 0
        for file in normalizedFiles {
            guard let text = FileManager.default.contents(atPath: path(file)).flatMap({ String(data: $0, encoding: .utf8) }) else {
                throw PipelineError("\(path(file)): cannot read the normalized corpus file")
            }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            var cut = min(lines.count, Int((Double(lines.count) * (1 - m.heldOutFraction)).rounded(.up)))
            if let blank = lines[cut...].prefix(50).firstIndex(where: { $0.allSatisfy(\.isWhitespace) }) { cut = blank }
            train += lines[..<cut].joined(separator: "\n") + "\n\n"
            heldOut += lines[cut...].joined(separator: "\n") + "\n\n"
            trainLines += lines[..<cut].filter { !$0.allSatisfy(\.isWhitespace) }.count
            heldOutLines += lines[cut...].filter { !$0.allSatisfy(\.isWhitespace) }.count
        }
        if heldOutLines == 0 {
            throw PipelineError("field 'mlm.heldOutFraction': \(m.heldOutFraction) holds out no text line of the corpus; expected a larger fraction")
        }
        try AtomicFileWriter.write(Array(train.utf8), to: path("mlm/train.txt"))
        try AtomicFileWriter.write(Array(heldOut.utf8), to: path("mlm/heldout.txt"))
        let recipe = try TokenizerRecipe(kind: .wordPiece, normalization: config.normalize.form, lowercase: config.normalize.lowercase)
        let counts = try recipe.counter(threads: config.mlmThreads).count(paths: [path("mlm/train.txt")])
        let tokenizer = try recipe.train(counts, vocabularySize: m.vocabSize, minFrequency: UInt64(max(m.minFrequency, 0)))
        try TokenizerFile.save(tokenizer, to: path("mlm/tokenizer.json"))
        log("  \(trainLines) training lines, \(heldOutLines) held-out lines; WordPiece: \(tokenizer.vocabularySize) tokens")
        return (
            ["mlm/train.txt", "mlm/heldout.txt", "mlm/tokenizer.json"],
            ["train_lines": Double(trainLines), "heldout_lines": Double(heldOutLines), "vocabulary": Double(tokenizer.vocabularySize)]
        )
    }

    func runMLMModel() throws -> ([String], [String: Double]) {
        let m = config.mlm
        let threads = config.mlmThreads
        let tokenizer = try TokenizerFile.load(path("mlm/tokenizer.json"))
        let data = try PretrainingData(
            documents: try MaskedLMCorpus.documents(files: [path("mlm/train.txt")], tokenizer: tokenizer),
            heldOut: .documents(try MaskedLMCorpus.documents(files: [path("mlm/heldout.txt")], tokenizer: tokenizer)),
            tokenizer: tokenizer, options: mlmDataOptions, source: path("mlm/tokenizer.json"))
        let model = try BertModel(
            config: BertConfig(
                vocabSize: tokenizer.vocabularySize, maxPositions: m.context, layers: m.layers, heads: m.heads, dim: m.dim, ffnDim: m.ffnDim,
                norm: m.norm, activation: m.activation),
            threads: threads)
        model.initialize(seed: UInt64(m.seed))
        var options = TrainingOptions()
        options.batch = m.batch
        options.steps = m.steps
        options.learningRate = Float(m.lr)
        options.warmup = min(m.warmup, max(m.steps - 1, 0))
        options.weightDecay = Float(m.weightDecay)
        options.clip = Float(m.clip)
        options.beta2 = 0.999
        options.seed = UInt64(m.seed)
        options.evalInterval = 0
        options.checkpointInterval = 0
        let trainer = MaskedLMTrainer(
            model: model, options: options, batcher: data.batcher, validation: data.heldOutSample(batches: m.evalBatches))
        log(
            "  BERT: \(m.layers) layers, dim \(m.dim), context \(m.context); \(model.parameterCount) parameters; "
                + "\(data.trainingPairs) training / \(data.heldOutPairs.count) held-out sequences; "
                + "budget \(m.minutes > 0 ? "\(m.minutes) min or " : "")\(m.steps) steps; \(threads) threads")

        // Training until the schedule's end or the budget. With a budget, the schedule's end moves
        // at every evaluation to the step where the budget runs out at the speed so far, so the
        // learning rate has decayed when time is up.
        let start = Date()
        let budget = m.minutes > 0 ? m.minutes * 60 : Double.infinity
        var curve: [MLMCurvePoint] = []
        var lossSum = 0.0, accuracySum = 0.0, count = 0, tokens = 0
        func evaluate() throws {
            guard let e = try trainer.evaluate() else { return }
            let seconds = Date().timeIntervalSince(start)
            curve.append(
                MLMCurvePoint(
                    step: trainer.step, seconds: seconds, heldOutLoss: e.loss, heldOutAccuracy: e.accuracy, unigramAccuracy: e.unigramAccuracy))
            log(
                String(
                    format: "  step %d/%d  held-out MLM loss %.3f  accuracy %.3f (unigram %.3f)  %.0f s", trainer.step, trainer.options.steps,
                    e.loss, e.accuracy, e.unigramAccuracy, seconds))
        }
        func retime() {
            guard budget.isFinite, trainer.step > 0 else { return }
            let perStep = Date().timeIntervalSince(start) / Double(trainer.step)
            let fits = trainer.step + Int((budget - Date().timeIntervalSince(start)) / max(perStep, 1e-9))
            trainer.options.steps = max(trainer.step + 1, min(m.steps, fits))
            trainer.options.warmup = min(trainer.options.warmup, trainer.options.steps - 1)
        }
        try evaluate()
        while trainer.step < trainer.options.steps && Date().timeIntervalSince(start) < budget {
            let result = try trainer.trainStep()
            lossSum += Double(result.loss)
            accuracySum += Double(result.accuracy)
            count += 1
            tokens += m.batch * m.context  // padded positions, as `bench train-mlm` counts them
            if trainer.step % 10 == 0 {
                curve.append(
                    MLMCurvePoint(
                        step: trainer.step, seconds: Date().timeIntervalSince(start), trainLoss: lossSum / Double(count),
                        trainAccuracy: accuracySum / Double(count)))
                lossSum = 0
                accuracySum = 0
                count = 0
            }
            if trainer.step == 20 { retime() }
            if trainer.step % m.evalEvery == 0 && trainer.step < trainer.options.steps {
                try evaluate()
                retime()
            }
        }
        let seconds = Date().timeIntervalSince(start)
        if trainer.step < m.steps { log("  mlm.minutes \(m.minutes): budget reached at step \(trainer.step)") }
        try evaluate()
        let tokenizerBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path("mlm/tokenizer.json"))))
        try MaskedLMCheckpoint.save(to: path("mlm/model"), model: model, trainer: nil, state: nil, tokenizer: tokenizerBytes)
        try writeJSON(curve, to: "mlm/curve.json")
        let last = curve.last { $0.heldOutAccuracy != nil }
        return (
            ["mlm/model/config.json", "mlm/model/model.safetensors", "mlm/curve.json"],
            [
                "parameters": Double(model.parameterCount), "steps": Double(trainer.step), "train_seconds": seconds,
                "tokens_per_s": Double(tokens) / max(seconds, 1e-9), "heldout_accuracy": last?.heldOutAccuracy ?? .nan,
                "training_sequences": Double(data.trainingPairs),
            ]
        )
    }

    func runMLMEvaluate() throws -> ([String], [String: Double]) {
        let m = config.mlm
        let model = try MaskedLMCheckpoint.loadModel(path("mlm/model"), threads: config.mlmThreads)
        let tokenizerPath = path("mlm/model/tokenizer.json")
        let tokenizer = try TokenizerFile.load(tokenizerPath)
        let specials = try SpecialTokenIDs(tokenizer: tokenizer, source: tokenizerPath)
        let held = try PretrainingData.heldOutBatches(
            documents: try MaskedLMCorpus.documents(files: [path("mlm/heldout.txt")], tokenizer: tokenizer), tokenizer: tokenizer,
            options: mlmDataOptions, source: tokenizerPath)
        let e = try MaskedLMEvaluation.evaluate(model, batches: held.batches, specials: specials)
        log(
            String(
                format: "  held-out: MLM accuracy %.3f (unigram %.3f), loss %.3f (unigram %.3f) over %d masked tokens", e.accuracy,
                e.unigramAccuracy, e.loss, e.unigramLoss, e.maskedTokens))
        var examples: [FillMaskExample] = []
        let text = try String(contentsOfFile: path("mlm/heldout.txt"), encoding: .utf8)
        let lines = Self.fillMaskLines(
            text, tokenizer: tokenizer, specials: specials, perScript: m.examples, maxTokens: model.config.maxPositions - 2)
        for (script, lines) in lines {
            for (masked, word) in lines {
                let result = try FillMask.predict(model, tokenizer: tokenizer, specials: specials, text: masked, topK: m.topK)
                guard let candidates = result.masks.first else { continue }
                examples.append(
                    FillMaskExample(
                        script: script, text: masked, word: word,
                        candidates: candidates.map { FillMaskCandidate(token: $0.token, probability: $0.probability) }))
            }
        }
        try writeJSON(
            MLMEvaluationFile(
                loss: e.loss, accuracy: e.accuracy, maskedTokens: e.maskedTokens, unigramAccuracy: e.unigramAccuracy,
                unigramLoss: e.unigramLoss, sequences: held.pairs.count, examples: examples),
            to: "mlm/evaluation.json")
        let top1 = examples.filter { $0.candidates.first?.token == $0.word }.count
        return (
            ["mlm/evaluation.json"],
            [
                "heldout_accuracy": e.accuracy, "unigram_accuracy": e.unigramAccuracy, "heldout_loss": e.loss,
                "masked_tokens": Double(e.maskedTokens), "fill_mask_top1": Double(top1), "fill_mask_examples": Double(examples.count),
            ]
        )
    }

    /// Up to `perScript` lines of each script (`Latin`, then `Hangul`) of `text`, spread evenly over
    /// its eligible lines (6 to 40 words, 5 of them with a letter of the script — lower-case for
    /// Latin —, at most `maxTokens` tokens), each with one word replaced by `[MASK]`: the word nearest
    /// the middle of the line that is one vocabulary token (not special), made of letters only
    /// (at least 3 Latin or 2 Hangul letters) once the punctuation around it is set aside.
    static func fillMaskLines(_ text: String, tokenizer: Tokenizer, specials: SpecialTokenIDs, perScript: Int, maxTokens: Int)
        -> [(script: String, lines: [(masked: String, word: String)])]
    {
        func isHangul(_ s: Unicode.Scalar) -> Bool { (0xAC00...0xD7A3).contains(s.value) }
        func script(of line: Substring) -> String? {
            if line.unicodeScalars.contains(where: isHangul) { return "Hangul" }
            return line.unicodeScalars.contains { ("a"..."z").contains($0) || ("A"..."Z").contains($0) } ? "Latin" : nil
        }
        let special = specials.all
        func masked(_ line: Substring, script: String) -> (String, String)? {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard (6...40).contains(words.count), tokenizer.encode(String(line)).count <= maxTokens else { return nil }
            // Prose, not a heading or a table row: at least 5 words with a letter of the script.
            let inScript = words.filter { w in
                script == "Hangul" ? w.unicodeScalars.contains(where: isHangul) : w.unicodeScalars.contains { ("a"..."z").contains($0) }
            }
            guard inScript.count >= 5 else { return nil }
            let middle = Double(words.count - 1) / 2
            let order = words.indices.sorted { abs(Double($0) - middle) < abs(Double($1) - middle) }
            for k in order {
                let word = words[k]
                guard let first = word.firstIndex(where: { $0.isLetter }), let last = word.lastIndex(where: { $0.isLetter }) else { continue }
                let core = word[first...last]
                guard core.allSatisfy({ $0.isLetter }) else { continue }
                let hangul = core.unicodeScalars.allSatisfy(isHangul)
                guard script == "Hangul" ? (hangul && core.count >= 2) : (core.allSatisfy(\.isASCII) && core.count >= 3) else { continue }
                let ids = tokenizer.encode(String(core))
                guard ids.count == 1, !special.contains(Int32(ids[0])) else { continue }
                // The line as it is (its spacing kept), the word's letters replaced.
                // (`core` indexes the text `line` is a slice of: replace in the slice, then copy.)
                var replaced = line
                replaced.replaceSubrange(core.startIndex..<core.endIndex, with: "[MASK]")
                return (String(replaced), String(core))
            }
            return nil
        }
        var out: [(script: String, lines: [(masked: String, word: String)])] = []
        let lines = text.split(separator: "\n")
        for name in ["Latin", "Hangul"] {
            let eligible = lines.filter { script(of: $0) == name }.compactMap { masked($0, script: name) }
            guard !eligible.isEmpty, perScript > 0 else { continue }
            let n = min(perScript, eligible.count)
            let chosen = (0..<n).map { eligible[($0 * eligible.count + eligible.count / (2 * n)) / n] }
            out.append((name, chosen.map { (masked: $0.0, word: $0.1) }))
        }
        return out
    }
}
