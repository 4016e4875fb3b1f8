import ArtifactIO
import NeuralCore

extension TokenStream {
    /// Reads an llm.c token shard.
    public static func read(_ path: String, vocabularySize: Int) throws -> TokenStream {
        try TokenStream(ids: try TokenShard.read(path).ids, vocabularySize: vocabularySize, source: path)
    }
}
