import Foundation
import TestFixtures
import Testing
import TranslationMetrics

/// Tessera's BLEU and chrF against sacreBLEU 2.x (default settings) on committed English, Korean
/// and tokenizer-edge-case hypotheses. `Fixtures/expected.json` is written by
/// `Fixtures/make_metric_fixtures.py` with the `sacrebleu` package.
struct SacreBLEUParityTests {
    struct Case: Decodable {
        var set: String
        var hyp: String
        var ref: String
    }

    struct Expected: Decodable {
        struct SetScores: Decodable {
            var bleu: Double
            var bp: Double
            var counts: [Int]
            var totals: [Int]
            var sys_len: Int
            var ref_len: Int
            var chrf: Double
        }
        struct CaseScores: Decodable {
            var bleu: Double
            var chrf: Double
            var hyp_13a: String
            var ref_13a: String
        }
        var sets: [String: SetScores]
        var cases: [CaseScores]
    }

    static func load() throws -> (cases: [Case], expected: Expected) {
        let url = TestFixtures.directory(of: "TranslationMetricsTests")
        let lines = try String(contentsOf: url.appendingPathComponent("cases.jsonl"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true)
        let decoder = JSONDecoder()
        let cases = try lines.map { try decoder.decode(Case.self, from: Data($0.utf8)) }
        let expected = try decoder.decode(
            Expected.self, from: Data(contentsOf: url.appendingPathComponent("expected.json")))
        return (cases, expected)
    }

    @Test func tokenizer13aMatchesSacreBLEU() throws {
        let (cases, expected) = try Self.load()
        try #require(cases.count == expected.cases.count)
        let tokenizer = Tokenizer13a()
        for (index, (testCase, scores)) in zip(cases, expected.cases).enumerated() {
            #expect(tokenizer(Self.rstrip(testCase.hyp)) == scores.hyp_13a, "case \(index): \(testCase.hyp.debugDescription)")
            #expect(tokenizer(Self.rstrip(testCase.ref)) == scores.ref_13a, "case \(index): \(testCase.ref.debugDescription)")
        }
    }

    @Test(arguments: ["en", "ko", "edge"])
    func corpusScoresMatchSacreBLEU(set: String) throws {
        let (cases, expected) = try Self.load()
        let selected = cases.filter { $0.set == set }
        try #require(!selected.isEmpty)
        let reference = try #require(expected.sets[set])
        let bleu = try BLEU().corpusScore(hypotheses: selected.map(\.hyp), references: selected.map(\.ref))
        #expect(abs(bleu.score - reference.bleu) < 0.01, "BLEU \(bleu.score) vs sacreBLEU \(reference.bleu)")
        #expect(bleu.counts == reference.counts)
        #expect(bleu.totals == reference.totals)
        #expect(bleu.hypothesisLength == reference.sys_len)
        #expect(bleu.referenceLength == reference.ref_len)
        #expect(abs(bleu.brevityPenalty - reference.bp) < 1e-12)
        let chrf = try CHRF().corpusScore(hypotheses: selected.map(\.hyp), references: selected.map(\.ref))
        #expect(abs(chrf.score - reference.chrf) < 0.01, "chrF \(chrf.score) vs sacreBLEU \(reference.chrf)")
    }

    @Test func singleSentenceScoresMatchSacreBLEU() throws {
        let (cases, expected) = try Self.load()
        try #require(cases.count == expected.cases.count)
        for (index, (testCase, scores)) in zip(cases, expected.cases).enumerated() {
            let bleu = try BLEU().corpusScore(hypotheses: [testCase.hyp], references: [testCase.ref])
            let chrf = try CHRF().corpusScore(hypotheses: [testCase.hyp], references: [testCase.ref])
            #expect(abs(bleu.score - scores.bleu) < 0.01, "case \(index) BLEU: \(testCase.hyp.debugDescription)")
            #expect(abs(chrf.score - scores.chrf) < 0.01, "case \(index) chrF: \(testCase.hyp.debugDescription)")
        }
    }

    @Test func countMismatchIsAnError() {
        #expect(throws: MetricError.countMismatch(hypotheses: 2, references: 1)) {
            try BLEU().corpusScore(hypotheses: ["a", "b"], references: ["a"])
        }
        #expect(throws: MetricError.countMismatch(hypotheses: 0, references: 1)) {
            try CHRF().corpusScore(hypotheses: [], references: ["a"])
        }
    }

    /// Python's `str.rstrip()` for the whitespace that appears in the fixtures.
    static func rstrip(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
