import TestFixtures
import Testing
import TextNormalization

@Suite struct UTF8ValidationTests {
    @Test func agreesWithTheStandardLibraryOnRandomBytes() {
        var rng = SeededRandom(seed: 0x5EED_0002)
        for round in 0..<3000 {
            let count = Int.random(in: 0..<40, using: &rng)
            // Mostly high bytes, so that every kind of malformation turns up.
            let bytes = (0..<count).map { _ in
                Bool.random(using: &rng) ? UInt8.random(in: 0x80...0xFF, using: &rng) : UInt8.random(in: 0...0x7F, using: &rng)
            }
            let valid = bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset($0) } == nil
            let reference = String(validating: bytes, as: UTF8.self) != nil
            #expect(valid == reference, "seed \(rng.seed), round \(round): \(bytes)")
            var replaced: [UInt8] = []
            bytes.withUnsafeBufferPointer { UTF8Validation.appendReplacingInvalid($0, to: &replaced) }
            #expect(replaced == Array(String(decoding: bytes, as: UTF8.self).utf8), "seed \(rng.seed), round \(round): \(bytes)")
        }
    }

    @Test func findsTheFirstBadByte() {
        let cases: [([UInt8], Int?)] = [
            (Array("abc".utf8), nil),
            ([0x61, 0xC0, 0x80], 1),  // overlong
            ([0x61, 0x62, 0xED, 0xA0, 0x80], 2),  // surrogate
            ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
            ([0xE2, 0x82], 0),  // truncated
            (Array("한국".utf8) + [0xFF], 6),
        ]
        for (bytes, expected) in cases {
            #expect(bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset($0) } == expected)
        }
    }
}
