import ArgumentParser
import ArtifactIO
import Foundation
import LanguageModels
import MaskedLM
import NeuralCore
import Tokenization
import TransformerLM

/// The supervised task of `tessera fine-tune`.
enum FineTuneTask: String, ExpressibleByArgument, CaseIterable {
    /// Sequence classification: on the pooled `[CLS]` state (BERT), on the last token (GPT).
    case classify
}

/// `tessera fine-tune`: supervised fine-tuning of a pretrained BERT encoder (pooled `[CLS]`) or
/// GPT decoder (last token), as BERT and GPT-1 do it.
struct FineTuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fine-tune",
        abstract:
            "Fine-tune a pretrained BERT (train-mlm run) or GPT (train-lm Transformer run) for sequence classification; reports dev accuracy and macro-F1.",
        discussion: """
            --train and --dev are JSON-lines files with a text field and a label field. Labels with fewer \
            than --min-examples training examples are dropped (their examples too, in both files, counted \
            on stderr); a dev label that is not among the training labels is an error. --from-scratch \
            trains the same architecture from random weights instead (the comparison the BERT paper makes). \
            Prints one JSON line: accuracy, macro_f1, dev_examples, classes.

            The kind of --model is read from its run directory. A train-mlm run gets a classifier on \
            the pooled [CLS] state. A train-lm Transformer run gets GPT-1's head: a linear score layer \
            (no bias) on the final hidden state of each text's last token, as transformers' \
            GPT2ForSequenceClassification (texts are encoded without special tokens and cut to the \
            model's context; batches are right-padded, which causal attention never lets a real token \
            see). A recurrent (rnn/lstm/gru) train-lm run is refused.

            Example: tessera fine-tune --model runs/bert --task classify --train train.jsonl --dev dev.jsonl --text-field en --label-field catalog -o runs/bert-cls
            """
    )

    @Option(help: "Pretrained run directory: train-mlm (BERT) or train-lm with --arch transformer (GPT).") var model: String
    @Option(help: "Task: classify.") var task: FineTuneTask = .classify
    @Option(help: "Training examples (JSON lines).") var train: String
    @Option(help: "Development examples (JSON lines).") var dev: String
    @Option(name: .customLong("text-field"), help: "JSON field with the text.") var textField: String = "text"
    @Option(name: .customLong("label-field"), help: "JSON field with the label.") var labelField: String = "label"
    @Option(name: .customLong("min-examples"), help: "Keep labels with at least this many training examples.") var minExamples: Int = 1
    @Option(help: "Epochs over the training examples.") var epochs: Int = 3
    @Option(help: "Examples per batch.") var batch: Int = 32
    @Option(help: "Peak learning rate.") var lr: Float = 1e-4
    @Flag(name: .customLong("from-scratch"), help: "Random weights of the same shape instead of the pretrained ones.") var fromScratch =
        false
    @Option(help: "Threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Seed (head initialization, example order).") var seed: UInt64 = 1
    @Option(name: .customLong("log-interval"), help: "Steps between progress lines.") var logInterval: Int = 50
    @Option(name: .shortAndLong, help: "Output run directory.") var output: String

    func validate() throws {
        if epochs < 1 || batch < 1 || threads < 1 || minExamples < 1 {
            throw ValidationError("--epochs, --batch, --threads and --min-examples must be positive")
        }
        if !(lr > 0) { throw ValidationError("--lr must be positive") }
        if URL(fileURLWithPath: output).standardizedFileURL.path == URL(fileURLWithPath: model).standardizedFileURL.path {
            throw ValidationError("-o \(output) is the pretrained --model; choose another output directory")
        }
    }

    func run() throws {
        // The run's kind: its marker, or (a language-model run written before markers) its config.
        let kind = RunDirectory.marker(model)
        if kind == RunDirectory.Kind.languageModel.rawValue || (kind == nil && Checkpoint.isUnmarkedRun(model)) {
            try runGPT()
            return
        }
        let pretrained = try MaskedLMCheckpoint.loadModel(model, threads: threads)
        // -o is new, empty, or a masked-LM run already (never a user's directory); locked while we write.
        let lock = try MaskedLMCheckpoint.claim(output)
        defer { withExtendedLifetime(lock) {} }
        let tokenizerPath = MaskedLMCheckpoint.resolve(model) + "/tokenizer.json"
        let tok = try TokenizerFile.load(tokenizerPath)
        let specials = try SpecialTokenIDs(tokenizer: tok, source: tokenizerPath)
        let (trainSet, devSet, labels) = try labelledSets()
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($0.element, $0.offset) })
        let bert = try SequenceClassifier.withHead(from: pretrained, labels: labels, seed: seed)
        if fromScratch {
            bert.initialize(seed: seed)
            log("from scratch: all weights random (BERT initialization)")
        }
        let classifier = try SequenceClassifier(model: bert, tokenizer: tok, specials: specials)
        var truncated = 0
        let examples: [(ids: [Int32], label: Int32)] = trainSet.map { e in
            let (ids, cut) = classifier.encode(e.text)
            if cut { truncated += 1 }
            return (ids, Int32(index[e.label] ?? 0))
        }
        let options = trainingOptions(examples: examples.count)
        log(
            "\(options.steps) steps of \(batch) (\(epochs) epochs); \(truncated) training texts truncated to \(bert.config.maxPositions) tokens"
        )
        try classifier.train(examples, options: options, progress: lossLogger(steps: options.steps))
        let predictions = try classifier.predict(devSet.map { classifier.encode($0.text).ids })
        let metrics = ClassificationMetrics(
            predicted: predictions.map(\.label), gold: devSet.map { index[$0.label] ?? 0 }, classes: labels.count)
        let tokBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tokenizerPath)))
        try MaskedLMCheckpoint.save(to: output, model: bert, trainer: nil, state: nil, tokenizer: tokBytes)
        try report(metrics, classes: labels.count, steps: options.steps)
    }

    /// The training and dev examples with the kept labels (sorted), rare labels dropped and counted
    /// on stderr; a dev label absent from training is an error naming its file and line.
    private func labelledSets() throws -> (train: [LabelledText], dev: [LabelledText], labels: [String]) {
        var trainSet = try LabelledText.read(train, textField: textField, labelField: labelField)
        var devSet = try LabelledText.read(dev, textField: textField, labelField: labelField)
        var counts: [String: Int] = [:]
        for e in trainSet { counts[e.label, default: 0] += 1 }
        let labels = counts.filter { $0.value >= minExamples }.keys.sorted()
        if labels.count < 2 { throw MaskedLMError.invalidOption("\(train): fewer than 2 labels with at least \(minExamples) examples") }
        let kept = Set(labels)
        let droppedTrain = trainSet.count
        trainSet = trainSet.filter { kept.contains($0.label) }
        let known = Set(counts.keys)
        if let unseen = devSet.first(where: { !known.contains($0.label) }) {
            throw MaskedLMError.invalidOption("\(dev):\(unseen.line): label \"\(unseen.label)\" does not occur in \(train)")
        }
        let droppedDev = devSet.count
        devSet = devSet.filter { kept.contains($0.label) }
        log(
            "\(labels.count) labels; \(trainSet.count) training and \(devSet.count) dev examples (\(droppedTrain - trainSet.count) and \(droppedDev - devSet.count) dropped with rare labels)"
        )
        return (trainSet, devSet, labels)
    }

    /// The fine-tuning schedule: `--epochs` passes of `--batch`, 10% warm-up, AdamW (β2 0.999, decay 0.01).
    private func trainingOptions(examples: Int) -> TrainingOptions {
        var options = TrainingOptions()
        options.batch = batch
        options.steps = epochs * ((examples + batch - 1) / batch)
        options.learningRate = lr
        options.warmup = max(1, options.steps / 10)
        options.weightDecay = 0.01
        options.beta2 = 0.999
        options.seed = seed
        return options
    }

    /// The one JSON line on stdout.
    private func report(_ metrics: ClassificationMetrics, classes: Int, steps: Int) throws {
        let json: [String: Any] = [
            "accuracy": metrics.accuracy, "macro_f1": metrics.macroF1, "dev_examples": metrics.count, "classes": classes,
            "from_scratch": fromScratch, "steps": steps,
        ]
        FileHandle.standardOutput.write(try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]) + Data("\n".utf8))
    }

    /// GPT-1-style fine-tuning of a `train-lm` Transformer run: a ``LastTokenClassifier``.
    private func runGPT() throws {
        let lm = try LanguageModel.load(model, threads: threads)
        guard case .transformer(let gpt) = lm else {
            throw ValidationError(
                "--model \(model) holds a \(lm.arch.rawValue) language model; fine-tune classifies with a BERT (train-mlm) or a Transformer (train-lm --arch transformer) run"
            )
        }
        let codec = try loadModelTokenCodec(model, vocabularySize: lm.vocabularySize)
        let (trainSet, devSet, labels) = try labelledSets()
        // -o is new, empty, or a language-model run already (never a user's directory); locked while we write.
        let state = try RunDirectory.claim(output, as: .languageModel, legacy: Checkpoint.isUnmarkedRun)
        try RunDirectory.makeDirectories(output)
        let lock = try RunDirectory.lock(output)
        defer { withExtendedLifetime(lock) {} }
        RunDirectory.removeStale(output + ".saving", kind: .languageModel, legacy: Checkpoint.isUnmarkedRun)
        if state != .owned { try RunDirectory.create(output, as: .languageModel) }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($0.element, $0.offset) })
        let classifier = try LastTokenClassifier(model: gpt, labels: labels)
        classifier.initializeHead(seed: seed)
        if fromScratch {
            gpt.initialize(seed: seed)
            log("from scratch: all weights random (GPT initialization)")
        }
        var truncated = 0
        let context = gpt.config.contextLength
        func encode(_ e: LabelledText, _ file: String) throws -> [Int32] {
            var ids = codec.encode(e.text).map { Int32(bitPattern: $0) }
            if ids.isEmpty { throw MaskedLMError.invalidOption("\(file):\(e.line): the text encodes to no tokens") }
            if ids.count > context {
                ids.removeLast(ids.count - context)
                truncated += 1
            }
            return ids
        }
        let examples: [(ids: [Int32], label: Int32)] = try trainSet.map { (try encode($0, train), Int32(index[$0.label] ?? 0)) }
        let options = trainingOptions(examples: examples.count)
        log("GPT last-token classifier: \(lm.summary); \(options.steps) steps of \(batch) (\(epochs) epochs); \(truncated) training texts truncated to \(context) tokens")
        try classifier.train(examples, options: options, progress: lossLogger(steps: options.steps))
        let predictions = try classifier.predict(try devSet.map { try encode($0, dev) })
        let metrics = ClassificationMetrics(
            predicted: predictions.map(\.label), gold: devSet.map { index[$0.label] ?? 0 }, classes: labels.count)
        try classifier.save(to: output, tokenizer: try Checkpoint.tokenizerBytes(model))
        try report(metrics, classes: labels.count, steps: options.steps)
    }

    private func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

    /// A training progress callback that logs the mean loss of every `--log-interval` steps (and
    /// of the last ones) to standard error.
    private func lossLogger(steps: Int) -> (Int, Float) -> Void {
        var lossSum: Double = 0, count = 0
        return { step, loss in
            lossSum += Double(loss); count += 1
            if step % max(logInterval, 1) == 0 || step == steps {
                log(String(format: "step %d/%d | loss %.4f", step, steps, lossSum / Double(max(count, 1))))
                lossSum = 0; count = 0
            }
        }
    }
}
