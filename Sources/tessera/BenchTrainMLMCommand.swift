import ArgumentParser
import CKernels
import Foundation
import MaskedLM
import NeuralCore
import TensorOps

/// `tessera bench train-mlm`: masked-LM pretraining throughput on random pairs (JSON line).
struct BenchTrainMLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-mlm",
        abstract: "Masked-LM pretraining tokens/s and ms/step of a BERT config on random sequences (JSON line).",
        discussion: """
            Full-length random sequences [CLS] A [SEP] B [SEP] (no padding), masked 15% (80/10/10) afresh \
            every step; post-LN, erf-GELU, AdamW + clipping. tokens_per_s counts every position of the batch.

            Example: tessera bench train-mlm --layers 4 --heads 4 --dim 128 --context 128 --batch 16 --vocab 8000 --threads 2
            """
    )

    @Option(help: "Transformer blocks.") var layers: Int = 4
    @Option(help: "Attention heads.") var heads: Int = 4
    @Option(help: "Model width.") var dim: Int = 128
    @Option(name: .customLong("ffn-dim"), help: "FFN width (default: 4 × dim).") var ffnDim: Int?
    @Option(help: "Sequence length.") var context: Int = 128
    @Option(help: "Sequences per batch.") var batch: Int = 16
    @Option(help: "Vocabulary size.") var vocab: Int = 8000
    @Option(help: "Threads.") var threads: Int = 1
    @Option(help: "Timed steps.") var steps: Int = 20
    @Option(name: .customLong("warmup-steps"), help: "Untimed steps first.") var warmupSteps: Int = 3
    @Flag(help: "Add the NSP head.") var nsp = false

    func validate() throws {
        if layers < 1 || heads < 1 || dim < 1 || batch < 1 || threads < 1 || steps < 1 || warmupSteps < 0 {
            throw ValidationError("--layers, --heads, --dim, --batch, --threads, --steps must be positive")
        }
        if dim % heads != 0 { throw ValidationError("--dim \(dim) must be divisible by --heads \(heads)") }
        if context < 5 { throw ValidationError("--context must be at least 5") }
        if vocab < 10 { throw ValidationError("--vocab must be at least 10") }
    }

    func run() throws {
        let config = BertConfig(
            vocabSize: vocab, maxPositions: context, layers: layers, heads: heads, dim: dim, ffnDim: ffnDim ?? 4 * dim,
            nextSentencePrediction: nsp)
        let model = try BertModel(config: config, threads: threads)
        model.initialize(seed: 1)
        let specials = SpecialTokenIDs(cls: 2, sep: 3, mask: 4, pad: 0, unknown: 1)
        var rng = SeededGenerator(seed: 2)
        let pairs = (0..<(batch * 4)).map { k -> SentencePair in
            let n = context - 3, cut = n / 2
            let ids = (0..<n).map { _ in Int32(5 + rng.next() % UInt64(vocab - 5)) }
            return SentencePair(a: Array(ids[..<cut]), b: Array(ids[cut...]), isRandomNext: k % 2 == 1, specials: specials)
        }
        let tokens = (0..<vocab).map { $0 < 5 ? ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"][$0] : "t\($0)" }
        let masker = try TokenMasker(tokens: tokens, specials: specials, options: MaskingOptions())
        let batcher = try MaskedLMBatcher(pairs: pairs, masker: masker, batchSize: batch, time: context, seed: 3)
        var options = TrainingOptions()
        options.batch = batch; options.steps = warmupSteps + steps; options.warmup = 2
        let trainer = MaskedLMTrainer(model: model, options: options, batcher: batcher, validation: [])
        for _ in 0..<warmupSteps { _ = try trainer.trainStep() }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps { _ = try trainer.trainStep() }
        let secs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let total = Double(steps * batch * context)
        try BenchSupport.emit([
            "bench": "train-mlm", "layers": layers, "heads": heads, "dim": dim, "context": context, "batch": batch, "vocab": vocab,
            "threads": threads, "nsp": nsp, "parameters": model.parameterCount, "steps": steps, "seconds": secs,
            "tokens_per_s": total / secs, "ms_per_step": secs * 1000 / Double(steps), "isa_level": Int(tk_isa_level()),
        ])
    }
}
