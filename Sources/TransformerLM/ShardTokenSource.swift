import NeuralCore
import ArtifactIO

/// A memory-mapped llm.c shard as the ids of a ``TokenStream`` (read in place).
struct ShardTokenSource: TokenWindowSource {
    let shard: MappedTokenShard

    var count: Int { shard.count }

    func id(at index: Int) -> UInt32 { shard[index] }
}
