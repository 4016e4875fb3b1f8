import Foundation
import TextNormalization

extension PipelineConfig {
    /// Throws a ``PipelineError`` naming the first field whose value cannot work.
    public func validate() throws {
        func check(_ ok: Bool, _ field: String, _ message: String) throws {
            if !ok { throw PipelineError("field '\(field)': \(message)") }
        }
        try check(!corpora.isEmpty, "corpora", "expected at least one corpus file or directory")
        try check(validationFraction > 0 && validationFraction < 0.5, "validationFraction", "expected a value in (0, 0.5), found \(validationFraction)")
        try check(NormalizationForm(rawValue: normalize.form) != nil, "normalize.form", "expected none, nfc, nfd, nfkc or nfkd, found '\(normalize.form)'")
        try check(["byte-bpe", "bpe", "wordpiece"].contains(tokenizer.model), "tokenizer.model", "expected byte-bpe, bpe or wordpiece, found '\(tokenizer.model)'")
        try check(tokenizer.vocabSize >= (tokenizer.model == "byte-bpe" ? 256 + tokenizer.specialTokens.count + 1 : 2), "tokenizer.vocabSize",
                  "too small for the initial alphabet (\(tokenizer.vocabSize))")
        try check(embeddings.window > 0 && embeddings.negative > 0 && embeddings.epochs > 0, "embeddings", "window, negative and epochs must be positive")
        try check(lm.layers > 0 && lm.heads > 0 && lm.dim > 0 && lm.ffnDim > 0 && lm.context > 1 && lm.batch > 0 && lm.steps > 0,
                  "lm", "layers, heads, dim, ffnDim, batch and steps must be positive and context at least 2")
        try check(lm.dim % lm.heads == 0, "lm.heads", "dim \(lm.dim) is not divisible by \(lm.heads) heads")
        try check(["sinusoidal", "learned"].contains(lm.positions), "lm.positions", "expected sinusoidal or learned, found '\(lm.positions)'")
        try check(["pre", "post"].contains(lm.norm), "lm.norm", "expected pre or post, found '\(lm.norm)'")
        try check(["gelu", "relu"].contains(lm.activation), "lm.activation", "expected gelu or relu, found '\(lm.activation)'")
        try check(["dense", "moe"].contains(lm.ffn), "lm.ffn", "expected dense or moe, found '\(lm.ffn)'")
        try check(lm.ffn == "dense" || (lm.experts > 0 && lm.topK > 0 && lm.topK <= lm.experts), "lm.topK", "expected 1…experts")
        try check(lm.threads > 0 && embeddings.threads > 0, "threads", "must be positive")
        try check(generate.maxTokens >= 0 && generate.temperature >= 0, "generate", "maxTokens and temperature must not be negative")
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
