import ArtifactIO
import Foundation
import TensorOps
import Tokenization

/// The encode stage: the normalized corpus as token shards, `data/train.bin` and `data/val.bin`.
extension PipelineRunner {
    func runEncode() throws -> ([String], [String: Double]) {
        let tokenizer = try loadTokenizer()
        let encoder = CorpusEncoder(tokenizer: tokenizer, threads: config.lm.threads)
        let separator = tokenizer.endOfTextID
        var blocks: [ArraySlice<UInt32>] = [], validation: [UInt32] = []
        var bytes = 0
        let blockTokens = 8 * config.lm.context
        for file in normalizedFiles.map(path) {
            var ids = try encoder.encodeStream(paths: [file])
            bytes += Int((try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0)
            // The tail of every document is held out, so validation covers every language.
            let cut = ids.count - Int(Double(ids.count) * config.validationFraction)
            validation += ids[cut...]
            ids.removeLast(ids.count - cut)
            if let separator {
                ids.append(separator)
                validation.append(separator)
            }
            blocks += stride(from: 0, to: ids.count, by: blockTokens).map { ids[$0..<min($0 + blockTokens, ids.count)] }
        }
        // The trainer reads its shard in order: shuffled blocks of 8 contexts mix the documents
        // (and languages) within every stretch of training, instead of one book after another.
        var rng = SeededGenerator(seed: 0x5EED_B10C)
        blocks.shuffle(using: &rng)
        let train = Array(blocks.joined())
        try FileManager.default.createDirectory(atPath: path("data"), withIntermediateDirectories: true)
        try TokenShard.write(train, vocabularySize: tokenizer.vocabularySize, to: path("data/train.bin"))
        try TokenShard.write(validation, vocabularySize: tokenizer.vocabularySize, to: path("data/val.bin"))
        let bytesPerToken = Double(bytes) / Double(max(train.count + validation.count, 1))
        log("  \(train.count) training and \(validation.count) validation tokens, \(String(format: "%.2f", bytesPerToken)) bytes per token")
        return (
            ["data/train.bin", "data/val.bin"],
            ["train_tokens": Double(train.count), "val_tokens": Double(validation.count), "bytes_per_token": bytesPerToken]
        )
    }
}
