import ArtifactIO
import Foundation
import LanguageModels
import NeuralCore
import Tokenization

/// The evaluate stage: validation loss, perplexity, bits per byte and the unigram baseline, `evaluation.json`.
extension PipelineRunner {
    func runEvaluate() throws -> ([String], [String: Double]) {
        let tokenizer = try loadTokenizer()
        let model = try LanguageModel.load(path("lm"), threads: config.lm.threads).trainable
        let validation = try TokenStream.read(path("data/val.bin"), vocabularySize: tokenizer.vocabularySize)
        let result = try Evaluator.evaluate(model, stream: validation)
        let targets = result.targetIDs.map { UInt32(bitPattern: $0) }
        let bytes = tokenizer.decodeBytes(targets).count
        let train = try TokenShard.read(path("data/train.bin")).ids
        let unigram = UnigramBaseline(trainingIDs: train, vocabularySize: tokenizer.vocabularySize).loss(targets: targets)
        guard let bitsPerByte = Evaluator.bitsPerByte(loss: result.loss, tokens: result.tokens, bytes: bytes) else {
            throw PipelineError("evaluate: the \(result.tokens) validation targets decode to no bytes (bits per byte undefined)")
        }
        let evaluation = Evaluation(
            loss: result.loss, perplexity: result.perplexity, bitsPerByte: bitsPerByte,
            tokens: result.tokens, unigramLoss: unigram)
        try writeJSON(evaluation, to: "evaluation.json")
        log(
            String(
                format: "  validation loss %.4f (unigram %.4f), perplexity %.2f, %.3f bits per byte over %d tokens",
                evaluation.loss, unigram, evaluation.perplexity, evaluation.bitsPerByte, evaluation.tokens))
        return (
            ["evaluation.json"],
            [
                "loss": evaluation.loss, "perplexity": evaluation.perplexity,
                "bits_per_byte": evaluation.bitsPerByte, "unigram_loss": unigram,
            ]
        )
    }
}
