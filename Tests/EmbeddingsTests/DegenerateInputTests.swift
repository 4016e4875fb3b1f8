import Embeddings
import Testing

/// Degenerate tables and headers that promise too much.
@Suite struct DegenerateInputTests {
    @Test func emptyTableAndOversizedHeader() throws {
        let empty = try Word2VecFormat.parseText(Array("0 4\n".utf8), path: "e.vec")
        #expect(empty.rowCount == 0)
        #expect(throws: EmbeddingsError.unknownWord("a")) { try EmbeddingIndex(empty).similar(to: "a") }
        #expect(EmbeddingIndex(empty).scores([0, 0, 0, 0]).isEmpty)
        #expect(throws: EmbeddingsError.self) { try Word2VecFormat.parseBinary(Array("1000000000 100\nx ".utf8), path: "h.bin") }
    }
}
