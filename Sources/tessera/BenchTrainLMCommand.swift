import ArgumentParser
import CKernels
import Foundation
import NeuralCore
import RecurrentLM
import TensorOps
import Tokenization
import TransformerLM

/// `tessera bench train-lm`: training throughput of a standard config on random ids.
struct BenchTrainLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-lm",
        abstract: "Training tokens/s, ms/step, GFLOP/s and % of fp32 peak (JSON line).",
        discussion: """
            tiny = 4 layers, 4 heads, dim 128, context 128, batch 16; small = 6 layers, 6 heads, dim 384, \
            context 256, batch 8. Both with learned positions, pre-LN, GELU (tanh), tied head, dropout 0, \
            AdamW + clipping: the shape a nanoGPT user runs. FLOPs per token = 6 × (matmul parameters + \
            head) + 12 × layers × context × dim (forward + backward, attention counted in full).

            --arch rnn|lstm|gru benchmarks a recurrent model instead (--layers, --hidden, --context, \
            --batch; embedding = hidden, tied head, dropout 0, same optimizer); FLOPs per token = 6 × \
            (recurrent weight matrices + head).

            Example: tessera bench train-lm --config small --threads 2 --steps 30
            Example: tessera bench train-lm --arch lstm --layers 2 --hidden 512 --context 128 --batch 32 --vocab 8192 --threads 2 --steps 5
            """
    )

    @Option(help: "Model family: transformer|rnn|lstm|gru.") var arch: LanguageModelArchitecture = .transformer
    @Option(help: "tiny|small (transformer).") var config: String = "tiny"
    @Option(help: "Recurrent layers (rnn/lstm/gru).") var layers: Int = 2
    @Option(help: "Hidden units = embedding width (rnn/lstm/gru).") var hidden: Int = 512
    @Option(help: "Context (rnn/lstm/gru).") var context: Int = 128
    @Option(help: "Sequences per batch (rnn/lstm/gru).") var batch: Int = 32
    @Option(help: "Vocabulary size of the random ids.") var vocab: Int = 257
    @Option(help: "Threads.") var threads: Int = 1
    @Option(help: "Timed steps.") var steps: Int = 50
    @Option(name: .customLong("warmup-steps"), help: "Untimed steps first.") var warmupSteps: Int = 5
    @Option(name: .customLong("peak-gflops-per-core"), help: "fp32 FMA peak of one core (Zen 4 at 3.5 GHz: 117).") var peakPerCore: Double =
        117

    func validate() throws {
        try OptionCheck.range("--vocab", vocab, 2...(1 << 24))
        try OptionCheck.threads(threads)
        try OptionCheck.range("--steps", steps, 1...1_000_000)
        try OptionCheck.range("--warmup-steps", warmupSteps, 0...1_000_000)
        try OptionCheck.range("--peak-gflops-per-core", peakPerCore, 0...1e6, openLower: true)
        if arch.cell != nil {
            for (name, value) in [("--layers", layers), ("--hidden", hidden), ("--context", context), ("--batch", batch)] {
                try OptionCheck.range(name, value, 1...1_000_000)
            }
        }
    }

    func run() throws {
        if let cell = arch.cell { return try runRecurrent(cell) }
        var c: ModelConfig
        let batch: Int
        switch config {
        case "tiny": c = .tiny(vocabSize: vocab); batch = 16
        case "small": c = .small(vocabSize: vocab); batch = 8
        default: throw ValidationError("--config must be tiny or small")
        }
        c.positions = .learned
        let model = try TransformerModel(config: c, threads: threads)
        model.initialize(seed: 1)
        var rng = SeededGenerator(seed: 2)
        let T = c.contextLength
        let ids = (0..<(batch * T * 4 + 1)).map { _ in UInt32(rng.next() % UInt64(vocab)) }
        var options = TrainingOptions()
        options.batch = batch; options.steps = warmupSteps + steps; options.warmup = 2
        let trainer = try Trainer(
            model: model, options: options, train: try TokenStream(ids: ids, vocabularySize: vocab, source: "random"), validation: nil)
        for _ in 0..<warmupSteps { _ = try trainer.trainStep() }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps { _ = try trainer.trainStep() }
        let secs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let C = c.dim, F = c.ffnDim
        let matmulParams = c.layers * (3 * C * C + C * C + 2 * C * F) + c.vocabSize * C
        let flopsPerToken = 6.0 * Double(matmulParams) + 12.0 * Double(c.layers * T * C)
        let tokens = Double(steps * batch * T)
        let gflops = flopsPerToken * tokens / secs / 1e9
        try BenchSupport.emit([
            "bench": "train-lm", "config": config, "vocab": vocab, "threads": threads, "batch": batch, "context": T,
            "parameters": model.parameterCount, "steps": steps, "seconds": secs,
            "tokens_per_s": tokens / secs, "ms_per_step": secs * 1000 / Double(steps),
            "gflops": gflops, "percent_of_peak": 100 * gflops / (peakPerCore * Double(threads)), "isa_level": Int(tk_isa_level()),
        ])
    }

    /// The same measurement for a recurrent model.
    private func runRecurrent(_ cell: RecurrentCell) throws {
        let c = RecurrentConfig(
            arch: cell, vocabSize: vocab, contextLength: context, embeddingDim: hidden, hiddenSize: hidden, layers: layers)
        let model = try RecurrentModel(config: c, threads: threads)
        model.initialize(seed: 1)
        var rng = SeededGenerator(seed: 2)
        let T = context
        let ids = (0..<(batch * T * 4 + 1)).map { _ in UInt32(rng.next() % UInt64(vocab)) }
        var options = TrainingOptions()
        options.batch = batch; options.steps = warmupSteps + steps; options.warmup = 2
        let trainer = try Trainer(
            model: model, options: options, train: try TokenStream(ids: ids, vocabularySize: vocab, source: "random"), validation: nil)
        for _ in 0..<warmupSteps { _ = try trainer.trainStep() }
        let start = DispatchTime.now().uptimeNanoseconds, cpuStart = Self.processCPUSeconds()
        for _ in 0..<steps { _ = try trainer.trainStep() }
        let secs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpuSecs = Self.processCPUSeconds() - cpuStart
        let matmulParams = c.stack.layers.reduce(0) { $0 + $1.gateWidth * ($1.inputSize + $1.hiddenSize) } + vocab * c.headInputSize
        let tokens = Double(steps * batch * T)
        let gflops = 6.0 * Double(matmulParams) * tokens / secs / 1e9
        try BenchSupport.emit([
            "bench": "train-lm", "arch": cell.rawValue, "layers": layers, "hidden": hidden, "vocab": vocab, "threads": threads,
            "batch": batch,
            "context": T, "parameters": model.parameterCount, "steps": steps, "seconds": secs, "cpu_seconds": cpuSecs,
            "tokens_per_s": tokens / secs, "tokens_per_cpu_s": tokens / cpuSecs, "ms_per_step": secs * 1000 / Double(steps),
            "gflops": gflops, "percent_of_peak": 100 * gflops / (peakPerCore * Double(threads)), "isa_level": Int(tk_isa_level()),
        ])
    }

    /// CPU time of this process (all threads), in seconds: on a shared machine it measures the work
    /// done where wall time also counts the waits for a core.
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
