import Embeddings
import Foundation
import Testing

/// safetensors and word2vec files: round trips, layout, and clear errors on bad files.
@Suite struct FileFormatTests {
    /// A small table with values of many magnitudes and signs.
    static func sampleTable() -> EmbeddingTable {
        let tokens = ["the", "king", "##ing", "ĠHello", "é"]
        var values: [Float] = []
        for r in 0..<tokens.count { for c in 0..<7 { values.append(Float(r * 7 + c - 17) * 0.0371 + Float(c) * 1e-4) } }
        return EmbeddingTable(tokens: tokens, dimension: 7, vectors: values, metadata: ["mode": "test", "untrained_ids": "[2,4]"])
    }

    @Test func safetensorsRoundTripAndLayout() throws {
        let dir = try TestSupport.temporaryDirectory()
        let path = dir + "/e.safetensors"
        let table = Self.sampleTable()
        try table.save(path, format: .safetensors)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var headerLength = 0
        for b in 0..<8 { headerLength |= Int(bytes[b]) << (8 * b) }
        #expect(headerLength % 8 == 0)
        #expect(bytes.count == 8 + headerLength + table.vectors.count * 4)
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: Any])
        let tensor = try #require(header["embeddings"] as? [String: Any])
        #expect(tensor["dtype"] as? String == "F32")
        #expect(tensor["shape"] as? [Int] == [5, 7])
        #expect(tensor["data_offsets"] as? [Int] == [0, 140])
        let back = try EmbeddingTable.load(path)
        #expect(back.tokens == table.tokens)
        #expect(back.vectors == table.vectors)
        #expect(back.metadata == table.metadata)
        #expect(TestSupport.files(in: dir) == ["e.safetensors"])  // no temporary file left
    }

    @Test func safetensorsErrors() throws {
        let good = SafetensorsFile.serialized(Self.sampleTable())
        #expect(throws: EmbeddingsError.self) { try SafetensorsFile.embeddingTable(from: Array(good.prefix(5)), path: "x") }
        #expect(throws: EmbeddingsError.self) { try SafetensorsFile.embeddingTable(from: Array(good.dropLast(4)), path: "x") }
        var huge = good
        huge[7] = 0x7F
        #expect(throws: EmbeddingsError.self) { try SafetensorsFile.embeddingTable(from: huge, path: "x") }
        var f16 = good
        let f32 = Array("\"F32\"".utf8)
        let at = try #require((0..<(f16.count - f32.count)).first { Array(f16[$0..<($0 + f32.count)]) == f32 })
        f16[at + 3] = UInt8(ascii: "6")
        f16[at + 2] = UInt8(ascii: "1")
        let error = #expect(throws: EmbeddingsError.self) { try SafetensorsFile.embeddingTable(from: f16, path: "x.safetensors") }
        #expect(error?.description.contains("x.safetensors") == true)
        #expect(error?.description.contains("F16") == true)
    }

    @Test func word2vecTextAndBinaryRoundTrip() throws {
        let dir = try TestSupport.temporaryDirectory()
        let table = Self.sampleTable()
        try table.save(dir + "/e.vec", format: .text)
        try table.save(dir + "/e.bin", format: .binary)
        let binary = try EmbeddingTable.load(dir + "/e.bin")
        #expect(binary.tokens == table.tokens)
        #expect(binary.vectors == table.vectors)
        let text = try EmbeddingTable.load(dir + "/e.vec")
        #expect(text.tokens == table.tokens)
        try #require(text.vectors.count == table.vectors.count)
        for (a, b) in zip(text.vectors, table.vectors) { #expect(abs(a - b) <= 5e-7) }
        // word2vec.c's text layout: header, then "token v1 v2 ... \n" with "%lf " values.
        let lines = try String(contentsOfFile: dir + "/e.vec", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "5 7")
        for line in lines.dropFirst().dropLast() {
            #expect(line.hasSuffix(" "))
            let fields = line.split(separator: " ")
            #expect(fields.count == 8)
            for value in fields.dropFirst() {
                #expect(value.split(separator: ".").last?.count == 6)
                #expect(Double(value) != nil)
            }
        }
        #expect(lines.last == "")
    }

    @Test func word2vecErrorsNameTheLineOrByte() throws {
        let text = "2 3\nking 0.1 0.2 0.3\nqueen 0.1 0.2\n"
        let short = #expect(throws: EmbeddingsError.self) { try Word2VecFormat.parseText(Array(text.utf8), path: "v.vec") }
        #expect(short?.description.hasPrefix("v.vec: line 3:") == true)
        #expect(throws: EmbeddingsError.self) { try Word2VecFormat.parseText(Array("2 3\nking 0.1 0.2 0.3\n".utf8), path: "v.vec") }
        #expect(throws: EmbeddingsError.self) { try Word2VecFormat.parseText(Array("2 3\nking 0.1 zz 0.3\n".utf8), path: "v.vec") }
        #expect(throws: EmbeddingsError.self) { try Word2VecFormat.parseText(Array("two 3\n".utf8), path: "v.vec") }
        let binary = Word2VecFormat.serialized(Self.sampleTable(), binary: true)
        let truncated = #expect(throws: EmbeddingsError.self) { try Word2VecFormat.parseBinary(Array(binary.dropLast(10)), path: "v.bin") }
        #expect(truncated?.description.hasPrefix("v.bin: byte ") == true)
    }

    @Test func failedWriteLeavesNothing() throws {
        let dir = try TestSupport.temporaryDirectory()
        #expect(throws: (any Error).self) { try Self.sampleTable().save(dir + "/missing/e.safetensors", format: .safetensors) }
        #expect(TestSupport.files(in: dir).isEmpty)
    }
}
