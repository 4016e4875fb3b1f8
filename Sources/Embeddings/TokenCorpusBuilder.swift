import ArtifactIO

/// Turns a token shard into a ``TrainingCorpus`` whose rows are the tokenizer's ids.
///
/// Special tokens (`[CLS]`, `<|endoftext|>`, …) end a sentence and are not trained; the stream
/// is also cut every ``maxSentenceLength`` ids. Ids seen fewer than `minCount` times are dropped
/// from the stream (as word2vec.c drops rare words) and, like ids never seen, keep their initial
/// random vector; ``TrainingCorpus/untrainedRows`` lists them.
public struct TokenCorpusBuilder: Sendable {
    /// The tokenizer's vocabulary.
    public var vocabulary: TokenizerVocabulary
    /// Ids seen fewer times are not trained.
    public var minCount: Int
    /// Longest sentence, in ids (word2vec.c: 1,000; gensim: 10,000).
    public var maxSentenceLength: Int

    /// Creates a builder.
    public init(vocabulary: TokenizerVocabulary, minCount: Int = 5, maxSentenceLength: Int = 10_000) {
        self.vocabulary = vocabulary
        self.minCount = minCount
        self.maxSentenceLength = maxSentenceLength
    }

    /// Reads and checks the shard at `path` and builds the corpus.
    public func build(shardPath path: String) throws -> TrainingCorpus {
        let shard = try TokenShard.read(path)
        return try build(ids: shard.ids, bytesPerToken: shard.bytesPerToken, path: path)
    }

    /// Maps the shard at `path` and builds a corpus that reads it in place (``TrainingCorpus/shardStream``):
    /// the same training stream as ``build(shardPath:)`` without holding it in memory.
    public func buildMapped(shardPath path: String) throws -> TrainingCorpus {
        let shard = try MappedTokenShard(path: path)
        let size = vocabulary.size
        var counts = [Int](repeating: 0, count: size)
        for i in 0..<shard.count {
            let id = Int(shard[i])
            guard id < size else {
                throw EmbeddingsError.tokenOutOfRange(
                    path: path, index: i, byteOffset: TokenShard.headerBytes + i * shard.bytesPerToken,
                    id: shard[i], vocabularySize: size)
            }
            counts[id] += 1
            if i & (ShardSentenceStream.releaseEvery - 1) == ShardSentenceStream.releaseEvery - 1 {
                shard.release((i + 1 - ShardSentenceStream.releaseEvery)..<(i + 1))
            }
        }
        shard.release(0..<shard.count)
        var isSpecial = [Bool](repeating: false, count: size)
        for id in vocabulary.specialIDs where id < size { counts[id] = 0; isSpecial[id] = true }
        for id in 0..<size where counts[id] < minCount { counts[id] = 0 }
        let stream = ShardSentenceStream(shard: shard, counts: counts, special: isSpecial, maxSentenceLength: maxSentenceLength)
        return TrainingCorpus(tokens: vocabulary.tokens, counts: counts, shardStream: stream)
    }

    /// Builds the corpus from ids (`path` and `bytesPerToken` locate errors).
    public func build(ids: [UInt32], bytesPerToken: Int = 4, path: String = "<ids>") throws -> TrainingCorpus {
        let size = vocabulary.size
        var counts = [Int](repeating: 0, count: size)
        try ids.withUnsafeBufferPointer { p in
            for i in 0..<p.count {
                let id = Int(p[i])
                guard id < size else {
                    throw EmbeddingsError.tokenOutOfRange(
                        path: path, index: i, byteOffset: TokenShard.headerBytes + i * bytesPerToken,
                        id: p[i], vocabularySize: size)
                }
                counts[id] += 1
            }
        }
        var isSpecial = [Bool](repeating: false, count: size)
        for id in vocabulary.specialIDs where id < size { counts[id] = 0; isSpecial[id] = true }
        for id in 0..<size where counts[id] < minCount { counts[id] = 0 }
        var stream: [Int32] = []
        stream.reserveCapacity(ids.count)
        var starts = [0]
        var length = 0
        for raw in ids {
            let id = Int(raw)
            if isSpecial[id] {
                if length > 0 { starts.append(stream.count); length = 0 }
                continue
            }
            guard counts[id] > 0 else { continue }
            stream.append(Int32(id))
            length += 1
            if length == maxSentenceLength { starts.append(stream.count); length = 0 }
        }
        if length > 0 { starts.append(stream.count) }
        if starts.count == 1 { starts.append(0) }
        return TrainingCorpus(tokens: vocabulary.tokens, counts: counts, ids: stream, sentenceStarts: starts)
    }
}
