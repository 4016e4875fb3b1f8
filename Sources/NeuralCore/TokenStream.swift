import ArtifactIO

/// Token ids for training or evaluation, checked against the vocabulary, read in consecutive
/// `[B, T+1]` windows (wrapping to the start when the end is reached).
public struct TokenStream: Sendable {
    /// The ids.
    public let ids: [Int32]
    /// Where they came from (for errors).
    public let source: String

    /// Wraps ids after checking each is below `vocabularySize`.
    public init(ids: [UInt32], vocabularySize: Int, source: String) throws {
        for (i, id) in ids.enumerated() where Int(id) >= vocabularySize {
            throw ModelError.tokenOutOfRange(source: source, index: i, id: Int(id), vocabularySize: vocabularySize)
        }
        self.ids = ids.map { Int32(bitPattern: $0) }
        self.source = source
    }

    /// Reads an llm.c token shard (uint16 or uint32 ids) and checks its ids.
    public static func read(_ path: String, vocabularySize: Int) throws -> TokenStream {
        try TokenStream(ids: try TokenShard.read(path).ids, vocabularySize: vocabularySize, source: path)
    }

    /// Throws unless one `[B, T+1]` batch fits.
    public func requireBatch(batch B: Int, time T: Int) throws {
        if ids.count < B * T + 1 { throw ModelError.shardTooShort(source: source, tokens: ids.count, needed: B * T + 1) }
    }

    /// The batch starting at `position` and the position of the next one.
    public func batch(at position: Int, batch B: Int, time T: Int) -> (inputs: [Int32], targets: [Int32], next: Int) {
        var pos = position
        if pos + B * T + 1 > ids.count { pos = 0 }
        let inputs = Array(ids[pos..<(pos + B * T)])
        let targets = Array(ids[(pos + 1)...(pos + B * T)])
        var next = pos + B * T
        if next + B * T + 1 > ids.count { next = 0 }
        return (inputs, targets, next)
    }
}
