import EncoderDecoder
import Foundation
import Pipeline
import Testing
import TranslationMetrics

/// The pipeline's translation track on the bundled English–Korean sample with a tiny model: its
/// stages, artifacts and report section, strict validation of its keys, disabling it, and which
/// stages a changed key re-runs.
@Suite(.serialized) struct TranslationTrackTests {
    static let translationStages: [PipelineStage] = [.translationTokenizer, .translationModel, .translationEvaluate]

    struct Evaluation: Decodable {
        struct Scores: Decodable {
            var split: String
            var sentences: Int
            var bleu: Double
            var chrf: Double
            var loss: Double
        }
        struct Example: Decodable {
            var source: String
            var reference: String
            var hypothesis: String
        }
        var scores: [Scores]
        var examples: [Example]
        var beam: Int
        var bleuSignature: String
        var chrfSignature: String
    }

    struct Attention: Decodable {
        var source: [String]
        var output: [String]
        var translation: String
        var layers: [[[[Double]]]]
    }

    @Test func theTrackRunsWritesItsArtifactsAndReportSectionAndRerunsOnlyWhatAKeyChanges() throws {
        let run = PipelineRunnerTests.temporaryRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        var config = PipelineRunnerTests.tinyTranslationConfig()
        let first = try PipelineRunner(config: config, run: run, log: { _ in }).run()
        #expect(first.map(\.1) == PipelineStage.allCases.map { PipelineRunnerTests.mlmStages.contains($0) ? .disabled : .ran })
        for artifact in [
            "translation/tokenizer.json", "translation/model/config.json", "translation/model/model.safetensors",
            "translation/curve.json", "translation/evaluation.json", "translation/attention.json",
        ] {
            #expect(FileManager.default.fileExists(atPath: "\(run)/\(artifact)"), "\(artifact)")
        }
        // The model directory is one `translate` and `evaluate-seq2seq` read.
        #expect(Seq2SeqModelDirectory.isModelDirectory("\(run)/translation/model"))
        let (model, vocabulary) = try Seq2SeqModelDirectory.load("\(run)/translation/model")
        #expect(model.config.dim == 16 && model.config.encoderLayers == 1 && vocabulary.size == 300)

        // Scores on dev and test; the examples are the first test pairs of the split, in order.
        let evaluation = try JSONDecoder().decode(
            Evaluation.self, from: try Data(contentsOf: URL(fileURLWithPath: "\(run)/translation/evaluation.json")))
        #expect(evaluation.scores.map(\.split) == ["dev", "test"])
        let corpus = try ParallelCorpusReader.readJSONL(path: config.translation.pairs, sourceField: "en", targetField: "ko")
        let split = CorpusSplit(devPerMille: 50, testPerMille: 50)
        let dev = split.pairs(.dev, of: corpus.pairs), test = split.pairs(.test, of: corpus.pairs)
        #expect(evaluation.scores.map(\.sentences) == [dev.count, test.count])
        #expect(evaluation.scores.allSatisfy { (0...100).contains($0.bleu) && (0...100).contains($0.chrf) && $0.loss > 0 })
        #expect(evaluation.examples.count == 3)
        #expect(evaluation.examples.map(\.source) == test.prefix(3).map(\.source))
        #expect(evaluation.examples.map(\.reference) == test.prefix(3).map(\.target))
        #expect(evaluation.bleuSignature == BLEU.signature && evaluation.chrfSignature == CHRF.signature)
        // The examples' hypotheses are the model's greedy translations (the evaluation's decoding).
        let translator = try Translator(model: model, vocabulary: vocabulary, options: DecodingOptions())
        #expect(evaluation.examples.map(\.hypothesis) == test.prefix(3).map { translator.translate($0.source).text })

        // Cross-attention: one distribution over the source tokens per output token.
        let attention = try JSONDecoder().decode(
            Attention.self, from: try Data(contentsOf: URL(fileURLWithPath: "\(run)/translation/attention.json")))
        #expect(attention.layers.count == 1 && attention.layers[0].count == 2)
        for head in attention.layers[0] {
            #expect(head.count == attention.output.count)
            for row in head {
                #expect(row.count == attention.source.count)
                #expect(abs(row.reduce(0, +) - 1) < 1e-4)
            }
        }

        let html = try String(contentsOfFile: "\(run)/report.html", encoding: .utf8)
        let section = try #require(html.range(of: "<h2>Translation (en → ko)</h2>")).upperBound
        let tail = String(html[section...])
        #expect(tail.contains("<th>BLEU</th><th>chrF</th>"))
        #expect(tail.contains(String(format: "<td>test</td><td>%d</td><td>%.2f</td><td>%.2f</td>", test.count, evaluation.scores[1].bleu, evaluation.scores[1].chrf)))
        #expect(tail.contains(BLEU.signature) && tail.contains(CHRF.signature))
        #expect(tail.components(separatedBy: "<tr>").count - 1 >= 3 + 1 + 2 + 1)  // scores (header + 2) and examples (header + 3)
        #expect(tail.contains("cross-attention, layer 1"))
        #expect(tail.components(separatedBy: "<svg").count - 1 == 2)  // the loss curve and the heat-map

        // A decoding key re-runs the evaluation; a model key the model too; a data key the whole track.
        config.translation.beam = 2
        var ran = try PipelineRunner(config: config, run: run, log: { _ in }).run().filter { $0.1 == .ran }.map(\.0)
        #expect(ran == [.translationEvaluate, .report])
        config.translation.dim = 8
        ran = try PipelineRunner(config: config, run: run, log: { _ in }).run().filter { $0.1 == .ran }.map(\.0)
        #expect(ran == [.translationModel, .translationEvaluate, .report])
        config.translation.vocabSize = 280
        ran = try PipelineRunner(config: config, run: run, log: { _ in }).run().filter { $0.1 == .ran }.map(\.0)
        #expect(ran == Self.translationStages + [.report])
        let unchanged = try PipelineRunner(config: config, run: run, log: { _ in }).run()
        #expect(unchanged.allSatisfy { $0.1 == .skipped || PipelineRunnerTests.mlmStages.contains($0.0) })
    }

    @Test func disablingTheTrackSkipsItsStagesAndTheReportSaysSo() throws {
        let run = PipelineRunnerTests.temporaryRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        var config = PipelineRunnerTests.tinyTranslationConfig()
        config.translation.enabled = false
        var lines: [String] = []
        let outcomes = try PipelineRunner(config: config, run: run, log: { lines.append($0) }).run()
        #expect(outcomes.map(\.1) == PipelineRunnerTests.allRanButTranslation)
        #expect(lines.contains("[translation-model] disabled, skipped"))
        #expect(!FileManager.default.fileExists(atPath: "\(run)/translation"))
        let html = try String(contentsOfFile: "\(run)/report.html", encoding: .utf8)
        #expect(html.contains("The translation track was disabled for this run (translation.enabled = false)."))
        // Turning it on runs the track and the report, nothing upstream.
        config.translation.enabled = true
        let ran = try PipelineRunner(config: config, run: run, log: { _ in }).run().filter { $0.1 == .ran }.map(\.0)
        #expect(ran == Self.translationStages + [.report])
    }

    @Test(arguments: [
        (#"{"translation": {"dimm": 8}}"#, "translation.dimm"),
        (#"{"translation": {"arch": "lstm"}}"#, "translation.arch"),
        (#"{"translation": {"minutes": "two"}}"#, "translation.minutes"),
    ])
    func aBadKeyInTheFileIsAOneLineErrorNamingIt(json: String, field: String) throws {
        let error = #expect(throws: StrictJSON.ConfigError.self, "\(json)") {
            try StrictJSON.decode(PipelineConfig.self, defaults: PipelineConfig(), from: Data(json.utf8), file: "p.json")
        }
        #expect(error?.field == field, "\(json)")
        #expect(error.map { $0.description.hasPrefix("p.json: field '\(field)'") && !$0.description.contains("\n") } == true)
    }

    @Test func aBadValueIsAOneLineErrorNamingItsKeyBeforeAnyWork() throws {
        var cases: [(PipelineConfig, String)] = []
        var c = PipelineRunnerTests.tinyTranslationConfig(); c.translation.heads = 3
        cases.append((c, "field 'translation.heads'"))
        c = PipelineRunnerTests.tinyTranslationConfig(); c.translation.pairs = "/nonexistent/pairs.jsonl"
        cases.append((c, "field 'translation.pairs'"))
        c = PipelineRunnerTests.tinyTranslationConfig(); c.translation.beam = 0; cases.append((c, "field 'translation.beam'"))
        c = PipelineRunnerTests.tinyTranslationConfig(); c.translation.minutes = -1; cases.append((c, "field 'translation.minutes'"))
        c = PipelineRunnerTests.tinyTranslationConfig(); c.translation.vocabSize = 10; cases.append((c, "field 'translation.vocabSize'"))
        c = PipelineRunnerTests.tinyTranslationConfig(); c.translation.bidirectional = true
        cases.append((c, "field 'translation.bidirectional'"))
        c = PipelineRunnerTests.tinyTranslationConfig(); c.translation.testPerMille = 990
        cases.append((c, "field 'translation.testPerMille'"))
        for (config, field) in cases {
            let run = PipelineRunnerTests.temporaryRun()
            let error = #expect(throws: PipelineError.self, "\(field)") { try PipelineRunner(config: config, run: run, log: { _ in }) }
            #expect(error.map { $0.description.hasPrefix(field) && !$0.description.contains("\n") } == true, "\(error.map(\.description) ?? "")")
            #expect(!FileManager.default.fileExists(atPath: run), "\(field): nothing is written")
        }
        // A disabled track is not checked: its keys cannot stop a run that does not use them.
        c = PipelineRunnerTests.tinyTranslationConfig(); c.translation.beam = 0; c.translation.enabled = false
        #expect(throws: Never.self) { try c.validate() }
    }
}
