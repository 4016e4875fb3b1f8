import ArtifactIO
import NeuralCore

extension TokenStream {
    /// Reads an llm.c token shard, memory-mapped: the ids stay in the file (after one pass
    /// checking them against the vocabulary) and only the windows in use are copied.
    public static func read(_ path: String, vocabularySize: Int) throws -> TokenStream {
        try TokenStream(reading: ShardTokenSource(shard: MappedTokenShard(path: path)), vocabularySize: vocabularySize, source: path)
    }
}
