import ArtifactIO
import Foundation
import NeuralCore
import RecurrentLM

/// The baselines stage: every recurrent architecture of `lm.baselines` (but `lm.arch` itself, which
/// the main model already is) trained on the same shards,
/// batch and context as the main model for the same wall time (the main model's measured training
/// time, or `baseline.seconds`), its curve in `baselines/ARCH.json` and a summary in
/// `baselines/summary.json`.
extension PipelineRunner {
    /// One trained baseline.
    struct BaselineSummary: Codable {
        var arch: String
        var parameters: Int
        var hidden: Int
        var layers: Int
        var steps: Int
        var seconds: Double
        var tokensPerSecond: Double
        var finalValLoss: Double
    }

    func runBaselines() throws -> ([String], [String: Double]) {
        let lm = config.lm, options = config.baseline
        try FileManager.default.createDirectory(atPath: path("baselines"), withIntermediateDirectories: true)
        let architectures = config.baselineArchitectures
        if architectures.count < lm.baselines.count {
            log("  \(lm.arch.rawValue) is the main model (lm.arch): not trained again as a baseline")
        }
        guard !architectures.isEmpty else {
            try writeJSON([BaselineSummary](), to: "baselines/summary.json")
            return (["baselines/summary.json"], [:])
        }
        let vocabularySize = try loadTokenizer().vocabularySize
        let train = try TokenStream.read(path("data/train.bin"), vocabularySize: vocabularySize)
        let validation = try TokenStream.read(path("data/val.bin"), vocabularySize: vocabularySize)
        let mainCurve = (try? readJSON([CurvePoint].self, from: "lm/curve.json")) ?? []
        let mainRecord = StageRecord.load(run: run, stage: PipelineStage.lm.rawValue)
        let budget = options.seconds > 0 ? options.seconds : (mainCurve.last?.seconds ?? mainRecord?.seconds ?? 60)
        let mainParameters = Int(mainRecord?.metrics["parameters"] ?? 0)

        var outputs = ["baselines/summary.json"], metrics: [String: Double] = [:], summaries: [BaselineSummary] = []
        for arch in architectures {
            guard let cell = arch.cell else { throw PipelineError("field 'lm.baselines': '\(arch.rawValue)' is not recurrent") }
            let hidden =
                options.hidden > 0
                ? options.hidden
                : Self.hiddenMatching(
                    mainParameters, cell: cell, layers: options.layers, context: lm.context, vocabularySize: vocabularySize)
            let modelConfig = RecurrentConfig(
                arch: cell, vocabSize: vocabularySize, contextLength: lm.context, embeddingDim: hidden, hiddenSize: hidden,
                layers: options.layers, dropout: Float(lm.dropout))
            let model = try RecurrentModel(config: modelConfig, threads: lm.threads)
            model.initialize(seed: UInt64(max(lm.seed, 0)))
            var training = lm.trainingOptions()
            training.learningRate = Float(options.lr)
            training.checkpointInterval = 0
            // The schedule's length is set once the speed is known (after a few warm-up steps, which
            // the schedule has not reached yet): as many steps as fit the budget, evaluations included.
            training.steps = Int.max / 2
            let trainer = try Trainer(model: model, options: training, train: train, validation: validation)
            log(
                "  \(arch.rawValue): \(model.parameterCount) parameters (hidden \(hidden), \(options.layers) layers); budget \(Int(budget)) s"
            )
            var curve: [CurvePoint] = []
            let start = Date()
            let probe = max(1, min(8, lm.warmup))
            var lossSum = 0.0, lossCount = 0
            for _ in 0..<probe {
                lossSum += Double(try trainer.trainStep().loss)
                lossCount += 1
            }
            let perStep = Date().timeIntervalSince(start) / Double(probe)
            // A validation pass is evalBatches forward passes, about a third of a training step each.
            let evalShare = Double(lm.evalBatches) / 3 / Double(max(lm.evalEvery, 1))
            let steps = max(probe + 1, Int(budget / (perStep * (1 + evalShare))))
            trainer.options.steps = steps
            trainer.options.warmup = min(lm.warmup, max(steps / 10, 1))
            trainer.options.evalInterval = max(1, steps * lm.evalEvery / max(lm.steps, 1))
            try trainer.run(checkpoint: {}) { result, validationLoss in
                lossSum += Double(result.loss)
                lossCount += 1
                let step = trainer.step, seconds = Date().timeIntervalSince(start)
                if step % 10 == 0 || step == trainer.options.steps {
                    curve.append(CurvePoint(step: step, trainLoss: lossSum / Double(lossCount), valLoss: nil, seconds: seconds))
                    lossSum = 0
                    lossCount = 0
                }
                if let v = validationLoss {
                    curve.append(CurvePoint(step: step, trainLoss: nil, valLoss: Double(v), seconds: seconds))
                    log(String(format: "  %@ step %d/%d  val %.3f  %.0f s", arch.rawValue, step, trainer.options.steps, v, seconds))
                    // On a shared machine the speed drifts: at every evaluation the schedule's end moves
                    // to the step the budget reaches at the speed so far.
                    if step < trainer.options.steps {
                        let rate = seconds / Double(step)
                        trainer.options.steps = step + max(1, Int((budget - seconds) / rate))
                    }
                }
            }
            let seconds = Date().timeIntervalSince(start)
            let finalLoss = curve.last(where: { $0.valLoss != nil })?.valLoss ?? .nan
            let tokens = Double(trainer.step * lm.batch * lm.context)
            summaries.append(
                BaselineSummary(
                    arch: arch.rawValue, parameters: model.parameterCount, hidden: hidden, layers: options.layers, steps: trainer.step,
                    seconds: seconds, tokensPerSecond: tokens / max(seconds, 1e-9), finalValLoss: finalLoss))
            try writeJSON(curve, to: "baselines/\(arch.rawValue).json")
            outputs.append("baselines/\(arch.rawValue).json")
            metrics["\(arch.rawValue)_final_val_loss"] = finalLoss
            metrics["\(arch.rawValue)_parameters"] = Double(model.parameterCount)
        }
        try writeJSON(summaries, to: "baselines/summary.json")
        return (outputs, metrics)
    }

    /// The hidden size whose recurrent model has the parameter count closest to
    /// `target` (the main model's); 128 when the target is unknown.
    static func hiddenMatching(_ target: Int, cell: RecurrentCell, layers: Int, context: Int, vocabularySize: Int) -> Int {
        guard target > 0 else { return 128 }
        func count(_ h: Int) -> Int {
            let c = RecurrentConfig(
                arch: cell, vocabSize: vocabularySize, contextLength: context, embeddingDim: h, hiddenSize: h, layers: layers)
            return RecurrentLayout(config: c).tensors.count
        }
        return (1...4096).min { abs(count($0) - target) < abs(count($1) - target) } ?? 128
    }
}
