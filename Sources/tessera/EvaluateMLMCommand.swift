import ArgumentParser
import ArtifactIO
import Foundation
import MaskedLM
import TensorOps
import Tokenization

/// `tessera evaluate-mlm`: masked-token loss and accuracy on held-out text, with fixed masks.
struct EvaluateMLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-mlm",
        abstract: "Masked-token loss and accuracy of a masked-LM model on text files (fixed masking seed).",
        discussion: """
            The files are cut into pairs as train-mlm does, masked once with --seed (15%, 80/10/10), \
            and evaluated. Prints one JSON line: loss, accuracy, masked_tokens, unigram_accuracy \
            (always predicting the most frequent token of the evaluated text), unigram_loss, sequences, \
            truncated_sequences.

            Example: tessera evaluate-mlm --model runs/bert Corpora/en/held-out.txt
            """
    )

    @Option(help: "Masked-LM run directory.") var model: String
    @Argument(help: "Text files (one segment per line, blank line between documents).") var files: [String] = []
    @Option(help: "Masking seed (the same seed gives the same masks).") var seed: UInt64 = 1
    @Option(help: "Sequences per batch.") var batch: Int = 16
    @Option(help: "Threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("max-sequences"), help: "Evaluate at most this many sequences (0: all).") var maxSequences: Int = 0
    @Option(
        help:
            "Also write the first batch (input_ids, token_type_ids, attention_mask, labels) and the model's logits at every position to this safetensors file (for scripts/check_hf_bert_export.py)."
    ) var dump: String?

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one text file") }
        if batch < 1 || threads < 1 || maxSequences < 0 {
            throw ValidationError("--batch and --threads must be positive, --max-sequences non-negative")
        }
    }

    func run() throws {
        let bert = try MaskedLMCheckpoint.loadModel(model, threads: threads)
        let tokenizerPath = MaskedLMCheckpoint.resolve(model) + "/tokenizer.json"
        let tok = try TokenizerFile.load(tokenizerPath)
        let specials = try SpecialTokenIDs(tokenizer: tok, source: tokenizerPath)
        let saved = MaskedLMCheckpoint.savedState(model)
        let documents = try MaskedLMCorpus.documents(files: files, tokenizer: tok)
        let maxLength = bert.config.maxPositions
        let (allPairs, report) = try PairBuilder(
            options: PairBuildingOptions(maxLength: maxLength, shortSequenceProbability: 0, seed: seed),
            specials: specials
        ).build(documents)
        if allPairs.isEmpty { throw MaskedLMError.noPairs(source: files.joined(separator: ", ")) }
        let pairs = maxSequences > 0 ? Array(allPairs.prefix(maxSequences)) : allPairs
        let masker = try TokenMasker(tokenizer: tok, options: MaskingOptions(wholeWord: saved?.wholeWord ?? false), source: tokenizerPath)
        let batches = MaskedLMBatcher.evaluationBatches(pairs: pairs, masker: masker, batchSize: batch, time: maxLength, seed: seed)
        let e = try MaskedLMEvaluation.evaluate(bert, batches: batches, specials: specials)
        let json: [String: Any] = [
            "loss": e.loss, "accuracy": e.accuracy, "masked_tokens": e.maskedTokens, "unigram_accuracy": e.unigramAccuracy,
            "unigram_loss": e.unigramLoss, "sequences": pairs.count, "truncated_sequences": report.truncatedPairs,
        ]
        if let dump, let first = batches.first {
            try bert.forward(BertInput(first, nextSentencePrediction: false), rows: .all)
            guard let logits = bert.maskedLogits else { throw MaskedLMError.invalidOption("no logits to dump") }
            let B = first.batch, T = first.time
            var file = SafeTensors()
            file.add("input_ids", shape: [B, T], int32s: first.inputs)
            file.add("token_type_ids", shape: [B, T], int32s: first.segments)
            file.add("attention_mask", shape: [B, T], int32s: (0..<(B * T)).map { (($0 % T) < first.lengths[$0 / T]) ? 1 : 0 })
            file.add("labels", shape: [B, T], int32s: first.labels)
            file.add("logits", shape: [B, T, bert.config.vocabSize], pointer: logits)
            try file.write(to: dump)
        }
        let line = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        FileHandle.standardOutput.write(line + Data("\n".utf8))
    }
}
