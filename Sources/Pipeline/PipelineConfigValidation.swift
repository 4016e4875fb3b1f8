import Foundation
import NeuralCore
import TextNormalization
import Tokenization
import TransformerLM

extension PipelineConfig {
    /// Throws a ``PipelineError`` naming the first field whose value cannot work.
    public func validate() throws {
        let field = FieldCheck(prefix: "")
        try field.check(!corpora.isEmpty, "corpora", "expected at least one corpus file or directory")
        try field.real("validationFraction", validationFraction, 0, 0.5, openLower: true, openUpper: true)
        // tokenizer: the recipe checks model, special tokens (wordpiece needs [UNK], no repeats).
        do {
            _ = try TokenizerRecipe(
                kind: tokenizer.model, normalization: normalize.form, lowercase: normalize.lowercase,
                specialTokens: tokenizer.specialTokens)
        } catch let error as TokenizerError {
            throw PipelineError(
                "field 'tokenizer.specialTokens': \(error.description.replacingOccurrences(of: "specialTokens: ", with: ""))")
        }
        try field.range(
            "tokenizer.vocabSize", tokenizer.vocabSize,
            tokenizer.model == .byteBPE ? 256 + tokenizer.specialTokens.count + 1 : tokenizer.specialTokens.count + 1, 1 << 24)
        try field.range("tokenizer.minFrequency", tokenizer.minFrequency, 0, Int.max)
        // embeddings
        try field.range("embeddings.window", embeddings.window, 1, 10_000)
        try field.range("embeddings.negative", embeddings.negative, 1, 1000)
        try field.real("embeddings.sample", embeddings.sample, 0, 1)
        try field.range("embeddings.minCount", embeddings.minCount, 1, Int.max)
        try field.range("embeddings.epochs", embeddings.epochs, 1, 100_000)
        try field.real("embeddings.alpha", embeddings.alpha, 0, 10, openLower: true)
        try field.range("embeddings.threads", embeddings.threads, 1, 256)
        try field.range("embeddings.seed", embeddings.seed, 0, Int.max)
        // lm: what every family reads
        try field.range("lm.layers", lm.layers, 1, 1024)
        try field.range("lm.context", lm.context, 2, 65536)
        try field.range("lm.batch", lm.batch, 1, 65536)
        try field.range("lm.steps", lm.steps, 1, 1_000_000_000)
        try field.real("lm.lr", lm.lr, 0, 10, openLower: true)
        try field.range("lm.warmup", lm.warmup, 0, 1_000_000_000)
        try field.real("lm.weightDecay", lm.weightDecay, 0, 10)
        try field.real("lm.clip", lm.clip, 0, 1e9)
        try field.real("lm.dropout", lm.dropout, 0, 1, openUpper: true)
        try field.range("lm.evalEvery", lm.evalEvery, 1, 1_000_000_000)
        try field.range("lm.evalBatches", lm.evalBatches, 1, 1_000_000_000)
        try field.range("lm.checkpointEvery", lm.checkpointEvery, 1, 1_000_000_000)
        try field.range("lm.threads", lm.threads, 1, 256)
        try field.range("lm.seed", lm.seed, 0, Int.max)
        // lm.arch: the family's own shape options; those of the other family keep their defaults
        // (a value given to the wrong family is an error, not silently ignored).
        let defaults = LanguageModelSettings()
        if lm.arch == .transformer {
            try field.range("lm.heads", lm.heads, 1, 1024)
            try field.range("lm.dim", lm.dim, 1, 65536)
            try field.range("lm.ffnDim", lm.ffnDim, 1, 1 << 20)
            try field.check(lm.dim % lm.heads == 0, "lm.heads", "dim \(lm.dim) is not divisible by \(lm.heads) heads")
            try field.check(lm.positions != .sinusoidal || lm.dim % 2 == 0, "lm.dim", "sinusoidal positions need an even dim, found \(lm.dim)")
            try field.range("lm.experts", lm.experts, 1, 256)
            try field.range("lm.topK", lm.topK, 1, lm.experts)
            let recurrentOnly: [(String, Bool)] = [
                ("lm.hidden", lm.hidden != defaults.hidden), ("lm.embedDim", lm.embedDim != defaults.embedDim),
                ("lm.projection", lm.projection != defaults.projection), ("lm.carryState", lm.carryState != defaults.carryState),
            ]
            if let (name, _) = recurrentOnly.first(where: \.1) {
                throw PipelineError("field '\(name)': applies to a recurrent lm.arch (rnn, lstm or gru), not transformer")
            }
        } else {
            let transformerOnly: [(String, Bool)] = [
                ("lm.heads", lm.heads != defaults.heads), ("lm.dim", lm.dim != defaults.dim), ("lm.ffnDim", lm.ffnDim != defaults.ffnDim),
                ("lm.positions", lm.positions != defaults.positions), ("lm.norm", lm.norm != defaults.norm),
                ("lm.activation", lm.activation != defaults.activation), ("lm.ffn", lm.ffn != defaults.ffn),
                ("lm.experts", lm.experts != defaults.experts), ("lm.topK", lm.topK != defaults.topK),
            ]
            if let (name, _) = transformerOnly.first(where: \.1) {
                throw PipelineError(
                    "field '\(name)': applies to lm.arch transformer only, not \(lm.arch.rawValue) (its sizes are lm.hidden, lm.embedDim, lm.layers)")
            }
            try field.range("lm.hidden", lm.hidden, 1, 65536)
            try field.range("lm.embedDim", lm.embedDim, 0, 65536)
            try field.check(
                !lm.tieEmbeddings || lm.projection || lm.embeddingWidth == lm.hidden, "lm.embedDim",
                "\(lm.embedDim) differs from lm.hidden \(lm.hidden): a tied head needs them equal, or lm.projection, or lm.tieEmbeddings false")
        }
        for (k, arch) in lm.baselines.enumerated() {
            try field.check(arch.cell != nil, "lm.baselines.\(k)", "expected rnn, lstm or gru, found '\(arch.rawValue)'")
            try field.check(!lm.baselines[..<k].contains(arch), "lm.baselines.\(k)", "'\(arch.rawValue)' is listed twice")
        }
        try field.range("baseline.layers", baseline.layers, 1, 1024)
        try field.range("baseline.hidden", baseline.hidden, 0, 65536)
        try field.real("baseline.lr", baseline.lr, 0, 10, openLower: true)
        try field.real("baseline.seconds", baseline.seconds, 0, 1e7)
        // generate and report
        try field.range("generate.maxTokens", generate.maxTokens, 0, 1_000_000)
        try field.real("generate.temperature", generate.temperature, 0, 100)
        try field.range("generate.topK", generate.topK, 0, Int(Int32.max))
        try field.range("generate.seed", generate.seed, 0, Int.max - 1_000_000)
        try field.range("report.pcaTokens", report.pcaTokens, 0, 100_000)
        try validateTranslation()
        try validateMLM()
        _ = try corpusFiles()
    }

    /// The corpus files: listed files as they are, directories expanded to their `*.txt` files
    /// (sorted). Throws naming the first path that is missing or holds no text file.
    public func corpusFiles() throws -> [String] {
        var files: [String] = []
        for (k, entry) in corpora.enumerated() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: entry, isDirectory: &isDirectory) else {
                throw PipelineError("field 'corpora.\(k)': \(entry): no such file or directory")
            }
            if isDirectory.boolValue {
                let names = (try FileManager.default.contentsOfDirectory(atPath: entry)).filter { $0.hasSuffix(".txt") }.sorted()
                if names.isEmpty { throw PipelineError("field 'corpora.\(k)': \(entry): no .txt files in this directory") }
                files += names.map { (entry.hasSuffix("/") ? entry : entry + "/") + $0 }
            } else {
                files.append(entry)
            }
        }
        return files
    }
}
