import ArtifactIO
import Foundation
import NeuralCore
import LanguageModels

/// The lm stage: the language model of `lm.arch` (the Transformer, or an RNN, LSTM or GRU) trained on
/// the shards (resumable), `lm/` and its loss curve.
extension PipelineRunner {
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
        let resumable =
            !fresh && (try? String(contentsOfFile: markerPath, encoding: .utf8)) == fingerprint && Checkpoint.savedOptions(directory) != nil
            && (try? LanguageModel.load(directory, threads: 1))?.arch == options.arch

        let model: LanguageModel
        let trainer: Trainer
        var curve: [CurvePoint] = []
        if resumable {
            model = try LanguageModel.load(directory, threads: options.threads)
            guard let saved = Checkpoint.savedOptions(directory) else { throw PipelineError("\(directory): training state vanished") }
            trainer = try Trainer(model: model.trainable, options: saved, train: train, validation: validation)
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
            model = try LanguageModel.make(settings: options, vocabularySize: vocabularySize, threads: options.threads)
            if config.embeddings.enabled {
                // The Word2Vec stage's vectors have the model's embedding width (lm.embeddingWidth).
                let scale = try model.initializeEmbeddings(from: path("embeddings.safetensors"))
                log("  token embeddings initialized from Word2Vec (scaled by \(String(format: "%.3g", scale)))")
            }
            trainer = try Trainer(model: model.trainable, options: options.trainingOptions(), train: train, validation: validation)
            try AtomicFileWriter.write(Array(fingerprint.utf8), to: markerPath)
        }
        log(
            "  \(model.summary); \(model.trainable.parameterCount) parameters; \(train.count) training tokens; \(options.steps) steps of \(options.batch)×\(options.context)"
        )

        let tokensPerStep = Double(options.batch * options.context)
        let start = Date()
        // Wall time carries on from the checkpoint's curve when resuming.
        let secondsBefore = curve.last?.seconds ?? 0
        func wallTime() -> Double { secondsBefore + Date().timeIntervalSince(start) }
        let firstStep = trainer.step
        var lossSum = 0.0, lossCount = 0
        var lastLog = Date()
        func checkpoint() throws {
            try Checkpoint.save(to: directory, model: model.trainable, trainer: trainer, tokenizer: tokenizerBytes)
            try writeJSON(curve, to: "lm/curve.json")
            // Checkpoint.save may move the previous checkpoint aside; the marker stays with the run.
            try AtomicFileWriter.write(Array(fingerprint.utf8), to: markerPath)
        }
        let finished = try trainer.run(stopAfter: interruptAfterSteps, checkpoint: checkpoint) { result, validationLoss in
            lossSum += Double(result.loss)
            lossCount += 1
            let step = trainer.step
            if step % 10 == 0 || step == options.steps {
                curve.append(CurvePoint(step: step, trainLoss: lossSum / Double(lossCount), valLoss: nil, seconds: wallTime()))
                lossSum = 0
                lossCount = 0
            }
            if let v = validationLoss {
                curve.append(CurvePoint(step: step, trainLoss: nil, valLoss: Double(v), seconds: wallTime()))
                let elapsed = Date().timeIntervalSince(start)
                let rate = Double(step - firstStep) * tokensPerStep / max(elapsed, 1e-9)
                let eta = Double(options.steps - step) * tokensPerStep / max(rate, 1e-9)
                log(
                    String(
                        format: "  step %d/%d  train %.3f  val %.3f  %.0f tok/s  ETA %.0f s", step, options.steps,
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
        return (
            ["lm/model.safetensors", "lm/config.json", "lm/curve.json"],
            [
                "parameters": Double(model.trainable.parameterCount), "final_val_loss": finalValidation,
                "tokens_per_s": Double(trainer.step - firstStep) * tokensPerStep / max(elapsed, 1e-9),
                "train_seconds": curve.last?.seconds ?? elapsed,
            ]
        )
    }
}
