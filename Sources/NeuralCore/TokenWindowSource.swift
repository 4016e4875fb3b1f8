/// Token ids read in place (e.g. a memory-mapped llm.c shard), for a ``TokenStream`` that never
/// holds the whole stream in memory.
public protocol TokenWindowSource: Sendable {
    /// Number of ids.
    var count: Int { get }
    /// The id at `index` (0 ..< count).
    func id(at index: Int) -> UInt32
}
