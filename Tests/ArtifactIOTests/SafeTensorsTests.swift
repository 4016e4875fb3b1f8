import ArtifactIO
import Foundation
import Testing

@Suite struct SafeTensorsTests {
    func tempPath(_ name: String) -> String {
        NSTemporaryDirectory() + "tessera-st-\(getpid())-\(name)"
    }

    @Test func roundTripKeepsNamesShapesValuesAndMetadata() throws {
        var file = SafeTensors()
        file.add("a", shape: [2, 3], floats: [1, -2, 3.5, 4, 5, 6])
        file.add("ids", shape: [3], int32s: [7, -1, 65_536])
        file.metadata = ["format": "pt", "note": "quote \" and ünïcode"]
        let path = tempPath("rt.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try file.write(to: path)
        let back = try SafeTensors.read(path)
        #expect(back.names == ["a", "ids"])
        #expect(try back.floats("a", shape: [2, 3]) == [1, -2, 3.5, 4, 5, 6])
        #expect(try back.ints("ids") == [7, -1, 65_536])
        #expect(back.metadata == file.metadata)
        let bytes = file.serialize()
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        #expect((8 + headerLength) % 8 == 0, "data starts 8-byte aligned")
    }

    @Test func halfAndBFloat16Decode() throws {
        var file = SafeTensors()
        // 1.0, -2.0, 0.5, 65504 in IEEE half; 1.0 and -3.0 in bfloat16.
        let half: [UInt16] = [0x3C00, 0xC000, 0x3800, 0x7BFF]
        file.add("h", dtype: .f16, shape: [4], bytes: half.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let bf: [UInt16] = [0x3F80, 0xC040]
        file.add("b", dtype: .bf16, shape: [2], bytes: bf.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let back = try file.serialize().withUnsafeBytes { try SafeTensors.parse($0, path: "mem") }
        #expect(try back.floats("h") == [1, -2, 0.5, 65504])
        #expect(try back.floats("b") == [1, -3])
    }

    @Test func truncatedAndCorruptFilesAreClearErrors() throws {
        var file = SafeTensors()
        file.add("w", shape: [4, 4], floats: [Float](repeating: 1, count: 16))
        let bytes = file.serialize()
        let cut = Array(bytes.dropLast(5))
        let truncated = #expect(throws: SafeTensorsError.self) {
            try cut.withUnsafeBytes { try SafeTensors.parse($0, path: "cut.safetensors") }
        }
        #expect(
            truncated.map { $0.description.contains("cut.safetensors") && $0.description.contains("truncated") } == true,
            "\(String(describing: truncated))")
        var badHeader = bytes
        badHeader[9] = UInt8(ascii: "#")
        #expect(throws: SafeTensorsError.self) { try badHeader.withUnsafeBytes { try SafeTensors.parse($0, path: "bad") } }
        let tiny: [UInt8] = [1, 2, 3]
        #expect(throws: SafeTensorsError.self) { try tiny.withUnsafeBytes { try SafeTensors.parse($0, path: "tiny") } }
        var huge = bytes
        huge[7] = 0x7F
        #expect(throws: SafeTensorsError.self) { try huge.withUnsafeBytes { try SafeTensors.parse($0, path: "huge") } }
    }
}
