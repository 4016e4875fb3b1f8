import Tokenization

/// The tokenizer stage: a vocabulary trained on the normalized corpus, saved as `tokenizer.json`.
extension PipelineRunner {
    func runTokenizer() throws -> ([String], [String: Double]) {
        let options = config.tokenizer
        let recipe = try TokenizerRecipe(
            kind: options.model, normalization: config.normalize.form, lowercase: config.normalize.lowercase,
            specialTokens: options.specialTokens)
        let counts = try recipe.counter(threads: config.lm.threads).count(paths: normalizedFiles.map(path))
        let tokenizer = try recipe.train(counts, vocabularySize: options.vocabSize, minFrequency: UInt64(max(options.minFrequency, 0)))
        try TokenizerFile.save(tokenizer, to: path("tokenizer.json"))
        log("  vocabulary of \(tokenizer.vocabularySize) ids")
        return (["tokenizer.json"], ["vocab_size": Double(tokenizer.vocabularySize)])
    }
}
