import ArgumentParser
import ArtifactIO
import EncoderDecoder
import Foundation
import LanguageModels
import MaskedLM
import NeuralCore
import Tokenization
import TransformerLM

/// `tessera export`: write a trained model in another ecosystem's layout.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract:
            "Export a model (hf-gpt2: Hugging Face GPT2LMHeadModel, or GPT2ForSequenceClassification for a fine-tuned GPT; hf-bert: BertForMaskedLM, BertForPreTraining or BertForSequenceClassification; hf-marian: MarianMTModel).",
        discussion: """
            Needs a GPT-2-shaped config: pre-LN, GELU, dense FFN, tied head (learned positions, or \
            sinusoidal ones materialized as the position table). Otherwise a clear error names the \
            option that prevents it. A GPT fine-tuned by `fine-tune` becomes GPT2ForSequenceClassification \
            (labels in id2label; pad_token_id is the end-of-text token, which Tessera never puts inside \
            a text, so right-padded batches classify as Tessera does). hf-bert needs a post-LN masked-LM model (train-mlm, fine-tune). \
            hf-marian needs a post-LN Transformer translation model (train-seq2seq --arch transformer); \
            it writes config.json, model.safetensors and the joint tokenizer for PreTrainedTokenizerFast \
            (sources end in <eos>, the decoder starts from <bos>).

            Example: tessera export --model runs/demo --format hf-gpt2 -o runs/demo-hf
            """
    )

    @Option(help: "Model directory.") var model: String
    @Option(help: "Format: hf-gpt2, hf-bert or hf-marian.") var format: String = "hf-gpt2"
    @Option(name: .shortAndLong, help: "Output directory.") var output: String

    func validate() throws {
        guard ["hf-gpt2", "hf-bert", "hf-marian"].contains(format) else {
            throw ValidationError("--format \(format): expected hf-gpt2, hf-bert or hf-marian")
        }
    }

    func run() throws {
        // -o is a new directory, an empty one, or an earlier export: never a training run (export
        // would overwrite its config.json and weights) nor a user's directory.
        let state = try RunDirectory.claim(output, as: .export)
        if format == "hf-marian" {
            guard Seq2SeqModelDirectory.isModelDirectory(model) else {
                throw ValidationError("--format hf-marian: \(model) holds no translation model (train-seq2seq)")
            }
            let (network, vocabulary) = try Seq2SeqModelDirectory.load(model)
            guard let transformer = network as? Seq2SeqTransformer else {
                try MarianExport.check(network.config)
                throw ValidationError("--format hf-marian: \(model) holds no Transformer")
            }
            try MarianExport.check(transformer.config)
            let lock = try openOutput(state)
            defer { withExtendedLifetime(lock) {} }
            try MarianExport.write(transformer, tokenizer: vocabulary.tokenizer, to: output)
            FileHandle.standardError.write(
                Data("wrote \(output)/config.json, model.safetensors and tokenizer files (MarianMTModel)\n".utf8))
            return
        }
        if format == "hf-bert" {
            let bert = try MaskedLMCheckpoint.loadModel(model)
            let dir = MaskedLMCheckpoint.resolve(model)
            let tok = try TokenizerFile.load(dir + "/tokenizer.json")
            let specials = try SpecialTokenIDs(tokenizer: tok, source: dir + "/tokenizer.json")
            let lock = try openOutput(state)
            defer { withExtendedLifetime(lock) {} }
            try BertHuggingFace.export(bert, padTokenID: Int(specials.pad), to: output)
            try AtomicFileWriter.write(
                [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/tokenizer.json"))), to: output + "/tokenizer.json")
            FileHandle.standardError.write(Data("wrote \(output)/config.json, model.safetensors and tokenizer.json (BERT)\n".utf8))
            return
        }
        if LastTokenClassifier.isClassifier(model) {
            let classifier = try LastTokenClassifier.load(model)
            try HFExport.checkGPT2Shaped(classifier.model.config)
            let codec = try loadModelTokenCodec(model, vocabularySize: classifier.model.config.vocabSize)
            let lock = try openOutput(state)
            defer { withExtendedLifetime(lock) {} }
            try HFExport.writeSequenceClassifier(classifier, to: output, padTokenID: codec.endOfTextID.map { Int($0) })
            try AtomicFileWriter.write(try Checkpoint.tokenizerBytes(model), to: output + "/tokenizer.json")
            var note = "wrote \(output)/config.json and model.safetensors (GPT2ForSequenceClassification, \(classifier.labels.count) labels)\n"
            if codec.endOfTextID == nil {
                note += "note: the tokenizer has no end-of-text token, so config.json sets no pad_token_id: transformers classifies unpadded texts one at a time\n"
            }
            FileHandle.standardError.write(Data(note.utf8))
            return
        }
        let loaded = try LanguageModel.load(model, threads: 1)
        guard case .transformer(let lm) = loaded else {
            throw ValidationError(
                "\(model) holds a \(loaded.arch.rawValue) model: Hugging Face export is for --arch transformer "
                    + "(its model.safetensors already loads into torch.nn.\(loaded.arch == .lstm ? "LSTM" : loaded.arch == .gru ? "GRU" : "RNN") under rnn.*)"
            )
        }
        let codec = try loadModelTokenCodec(model, vocabularySize: lm.config.vocabSize)
        let lock = try openOutput(state)
        defer { withExtendedLifetime(lock) {} }
        try HFExport.write(lm, to: output, eosTokenID: codec.endOfTextID.map { Int($0) })
        try AtomicFileWriter.write(try Checkpoint.tokenizerBytes(model), to: output + "/tokenizer.json")
        FileHandle.standardError.write(Data("wrote \(output)/config.json and model.safetensors (GPT2LMHeadModel)\n".utf8))
    }

    /// Creates `-o`, takes its lock (held while the returned value lives) and marks it as an export
    /// unless it already is one.
    private func openOutput(_ state: RunDirectory.State) throws -> RunLock {
        try RunDirectory.makeDirectories(output)
        let lock = try RunDirectory.lock(output)
        if state != .owned { try RunDirectory.create(output, as: .export) }
        return lock
    }
}
