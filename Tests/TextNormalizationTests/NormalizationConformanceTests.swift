import Foundation
import Testing
import TextNormalization

/// Unicode's own conformance test (NormalizationTest.txt, Unicode 15.0), every line, all four forms.
@Suite struct NormalizationConformanceTests {
    static let nfc = Normalizer(form: .nfc)
    static let nfd = Normalizer(form: .nfd)
    static let nfkc = Normalizer(form: .nfkc)
    static let nfkd = Normalizer(form: .nfkd)

    static func parse(_ field: Substring) -> String {
        var s = String.UnicodeScalarView()
        for hex in field.split(separator: " ") {
            if let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) { s.append(scalar) }
        }
        return String(s)
    }

    @Test func everyLineOfNormalizationTestPasses() throws {
        let text = String(decoding: try FixturePaths.data("NormalizationTest.txt"), as: UTF8.self)
        var lines = 0, checks = 0, failures: [String] = []
        var part1 = false
        var listedInPart1 = Set<UInt32>()
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            if line.hasPrefix("@Part") {
                part1 = line.hasPrefix("@Part1")
                continue
            }
            let fields = line.split(separator: ";", omittingEmptySubsequences: false)
            guard fields.count >= 5 else { continue }
            let c = (0..<5).map { NormalizationConformanceTests.parse(fields[$0]) }
            if part1, let v = c[0].unicodeScalars.first?.value { listedInPart1.insert(v) }
            lines += 1
            func expect(_ name: String, _ n: Normalizer, _ input: Int, _ expected: Int) {
                checks += 1
                let got = n.normalize(c[input])
                if got != c[expected], failures.count < 20 {
                    failures.append(
                        "line \(number + 1): \(name)(c\(input + 1)) = \(got.unicodeScalars.map { String($0.value, radix: 16) }) expected c\(expected + 1)"
                    )
                }
            }
            for i in 0..<3 { expect("NFC", Self.nfc, i, 1); expect("NFD", Self.nfd, i, 2) }
            for i in 3..<5 { expect("NFC", Self.nfc, i, 3); expect("NFD", Self.nfd, i, 4) }
            for i in 0..<5 { expect("NFKC", Self.nfkc, i, 3); expect("NFKD", Self.nfkd, i, 4) }
        }
        // Part 1's rule for code points it does not list: every form leaves them unchanged.
        var invariant = 0
        for v in UInt32(0)...0x10FFFF where !listedInPart1.contains(v) {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let x = String(Character(scalar))
            for n in [Self.nfc, Self.nfd, Self.nfkc, Self.nfkd] where n.normalize(x) != x {
                if failures.count < 20 { failures.append("U+\(String(v, radix: 16)) not invariant under \(n.form)") }
            }
            invariant += 1
        }
        print("NormalizationTest.txt: \(lines) lines, \(checks) checks, \(invariant) invariant code points, \(failures.count) failures")
        #expect(lines == 19_074)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}
