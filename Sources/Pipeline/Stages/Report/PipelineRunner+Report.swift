import ArtifactIO
import Embeddings
import Foundation
import NeuralCore
import TextNormalization
import Tokenization

/// The report stage: one self-contained `report.html` from the run's artifacts.
extension PipelineRunner {
    func runReport() throws -> ([String], [String: Double]) {
        let tokenizer = try loadTokenizer()
        var report = HTMLReport(title: "Tessera run \(URL(fileURLWithPath: run).lastPathComponent)")
        report.paragraph("Corpus: \(corpusFiles.joined(separator: ", ")).")
        stageTable(&report)
        try tokenizerSection(&report, tokenizer)
        try embeddingsSection(&report, tokenizer)
        try languageModelSection(&report)
        try baselinesSection(&report)
        try samplesSection(&report)
        try attentionSection(&report)
        try translationSection(&report)
        try mlmSection(&report)
        try AtomicFileWriter.write(Array(report.render().utf8), to: path("report.html"))
        log("  wrote \(path("report.html"))")
        return (["report.html"], [:])
    }

    // MARK: Sections

    private func stageTable(_ report: inout HTMLReport) {
        report.heading("Stages")
        var rows: [[String]] = []
        for stage in PipelineStage.allCases where stage != .report {
            guard let record = StageRecord.load(run: run, stage: stage.rawValue) else { continue }
            let metrics = record.metrics.sorted { $0.key < $1.key }.map { "\($0.key) \(Self.number($0.value))" }.joined(separator: ", ")
            rows.append([stage.rawValue, String(format: "%.1f s", record.seconds), metrics])
        }
        report.table(headers: ["stage", "time", "figures"], rows: rows)
    }

    private func tokenizerSection(_ report: inout HTMLReport, _ tokenizer: Tokenizer) throws {
        report.heading("Tokenizer")
        let encode = StageRecord.load(run: run, stage: PipelineStage.encode.rawValue)
        report.table(
            headers: ["model", "vocabulary", "bytes per token", "training tokens", "validation tokens"],
            rows: [
                [
                    config.tokenizer.model.rawValue, "\(tokenizer.vocabularySize)",
                    Self.number(encode?.metrics["bytes_per_token"] ?? .nan),
                    Self.number(encode?.metrics["train_tokens"] ?? .nan), Self.number(encode?.metrics["val_tokens"] ?? .nan),
                ]
            ])
        let merges = Self.merges(of: tokenizer)
        if !merges.isEmpty {
            report.heading("First merges (the most frequent pairs)", level: 3)
            let shown = merges.prefix(24).enumerated().map { k, pair in
                ["\(k + 1)", Self.visible(pair.0), Self.visible(pair.1), Self.visible(pair.0 + pair.1)]
            }
            report.table(headers: ["#", "left", "right", "merged"], rows: shown)
        }
        report.heading("Example sentences", level: 3)
        for sentence in config.report.exampleSentences {
            report.tokens(Self.tokenStrip(tokenizer, sentence))
        }
    }

    private func embeddingsSection(_ report: inout HTMLReport, _ tokenizer: Tokenizer) throws {
        report.heading("Word2Vec embeddings")
        guard config.embeddings.enabled, FileManager.default.fileExists(atPath: path("embeddings.safetensors")) else {
            report.paragraph("Word2Vec was disabled for this run (embeddings.enabled = false).")
            return
        }
        var table = try EmbeddingTable.load(path("embeddings.safetensors"))
        table.tokens = (0..<table.rowCount).map { tokenizer.decode([UInt32($0)]) }
        let index = EmbeddingIndex(table)
        var rows: [[String]] = []
        for word in config.report.neighbourTokens {
            let ids = tokenizer.encode(word)
            guard ids.count == 1, Int(ids[0]) < table.rowCount else {
                rows.append([Self.visible(word), "(not a single token: \(ids.count) tokens)"])
                continue
            }
            let near = index.nearest(positive: [Int(ids[0])], k: 8, exclude: [Int(ids[0])])
            rows.append([
                Self.visible(word),
                near.map { "\(Self.visible(table.tokens[$0.row])) \(String(format: "%.2f", $0.score))" }.joined(separator: ", "),
            ])
        }
        report.heading("Nearest neighbours (cosine)", level: 3)
        report.table(headers: ["token", "neighbours"], rows: rows)

        // PCA of the most frequent ordinary tokens.
        let train = try TokenShard.read(path("data/train.bin")).ids
        var counts = [Int](repeating: 0, count: table.rowCount)
        for id in train where Int(id) < counts.count { counts[Int(id)] += 1 }
        let special = Set(config.tokenizer.specialTokens.compactMap { tokenizer.id(for: $0) }.map(Int.init))
        let chosen = counts.indices.filter { counts[$0] > 0 && !special.contains($0) }
            .sorted { counts[$0] > counts[$1] }.prefix(max(config.report.pcaTokens, 2))
        let coordinates = PrincipalComponents.project(rows: Array(chosen), of: table)
        let points = zip(chosen, coordinates).map { SVGChart.LabelledPoint(x: $1.0, y: $1.1, label: Self.visible(table.tokens[$0])) }
        report.svg(
            SVGChart.scatter(
                title: "PCA of the \(points.count) most frequent tokens", xLabel: "first component",
                yLabel: "second component", points: points))
    }

    private func languageModelSection(_ report: inout HTMLReport) throws {
        report.heading("Language model")
        let curve = try readJSON([CurvePoint].self, from: "lm/curve.json")
        let evaluation = try readJSON(Evaluation.self, from: "evaluation.json")
        let lm = config.lm
        let shape =
            lm.arch == .transformer
            ? "Transformer: \(lm.layers) layers, \(lm.heads) heads, dim \(lm.dim), FFN \(lm.ffnDim) (\(lm.ffn)), context \(lm.context), "
                + "\(lm.positions) positions, \(lm.norm)-LN, \(lm.activation)"
            : "\(lm.arch.rawValue.uppercased()): \(lm.layers) layers of \(lm.hidden) units, embedding \(lm.embeddingWidth)"
                + "\(lm.projection ? " (projected)" : ""), \(lm.tieEmbeddings ? "tied" : "untied") head, windows of \(lm.context) tokens "
                + "(truncated backpropagation through time\(lm.carryState ? ", state carried across windows" : "")), dropout \(lm.dropout)"
        report.paragraph(
            "\(shape); batch \(lm.batch), \(lm.steps) steps, peak lr \(lm.lr); "
                + "token embeddings \(config.embeddings.enabled ? "initialized from Word2Vec" : "random").")
        let trainPoints = curve.compactMap { p in p.trainLoss.map { (x: Double(p.step), y: $0) } }
        let valPoints = curve.compactMap { p in p.valLoss.map { (x: Double(p.step), y: $0) } }
        var series = [
            SVGChart.Series(name: "training loss", points: trainPoints), SVGChart.Series(name: "validation loss", points: valPoints),
        ]
        if let last = trainPoints.last, let first = trainPoints.first {
            series.append(
                .init(
                    name: "unigram baseline", points: [(first.x, evaluation.unigramLoss), (last.x, evaluation.unigramLoss)], color: "#999"))
        }
        report.svg(SVGChart.lines(title: "Loss (nats per token)", xLabel: "step", yLabel: "cross-entropy", series: series))
        report.table(
            headers: ["validation loss", "perplexity", "bits per byte", "unigram baseline loss", "tokens evaluated"],
            rows: [
                [
                    Self.number(evaluation.loss), Self.number(evaluation.perplexity), Self.number(evaluation.bitsPerByte),
                    Self.number(evaluation.unigramLoss), "\(evaluation.tokens)",
                ]
            ])
    }

    /// The main model's validation curve beside the recurrent baselines', against training wall time.
    private func baselinesSection(_ report: inout HTMLReport) throws {
        let summaries = (try? readJSON([BaselineSummary].self, from: "baselines/summary.json")) ?? []
        let main = config.lm.arch.rawValue
        let skippedMain = config.lm.baselines.contains(config.lm.arch)
        guard !summaries.isEmpty else {
            if skippedMain {
                report.heading("Recurrent baselines at equal wall time")
                report.paragraph("lm.baselines names only \(main), the main model itself: no other architecture was trained.")
            }
            return
        }
        report.heading("Recurrent baselines at equal wall time")
        let curve = try readJSON([CurvePoint].self, from: "lm/curve.json")
        let evaluation = try readJSON(Evaluation.self, from: "evaluation.json")
        let record = StageRecord.load(run: run, stage: PipelineStage.lm.rawValue)
        report.paragraph(
            "Each baseline was trained on the same tokens, batch and context as the main model (\(main)), for "
                + (config.baseline.seconds > 0
                    ? "\(Self.number(config.baseline.seconds)) s (baseline.seconds)"
                    : "the main model's measured training time")
                + " (its schedule sized to fit), with peak lr \(config.baseline.lr); the curves are the validation loss "
                + "against the seconds each model had trained."
                + (skippedMain ? " lm.baselines also names \(main), the main model's own architecture: it is not trained twice." : ""))
        var series = [
            SVGChart.Series(
                name: "\(config.lm.arch.rawValue) (main)",
                points: curve.compactMap { p in p.valLoss.flatMap { v in p.seconds.map { (x: $0, y: v) } } })
        ]
        let lm = config.lm
        var rows: [[String]] = [
            [
                lm.arch == .transformer ? "\(main) (main)" : "\(main) (main, \(lm.layers) × \(lm.hidden))", "\(Int(record?.metrics["parameters"] ?? 0))", "\(config.lm.steps)",
                String(format: "%.1f", curve.last?.seconds ?? 0), String(format: "%.0f", record?.metrics["tokens_per_s"] ?? 0),
                Self.number(curve.last(where: { $0.valLoss != nil })?.valLoss ?? .nan),
            ]
        ]
        for summary in summaries {
            let points = (try? readJSON([CurvePoint].self, from: "baselines/\(summary.arch).json")) ?? []
            series.append(
                .init(name: summary.arch, points: points.compactMap { p in p.valLoss.flatMap { v in p.seconds.map { (x: $0, y: v) } } }))
            rows.append([
                "\(summary.arch) (\(summary.layers) × \(summary.hidden))", "\(summary.parameters)", "\(summary.steps)",
                String(format: "%.1f", summary.seconds), String(format: "%.0f", summary.tokensPerSecond), Self.number(summary.finalValLoss),
            ])
        }
        let end = series.flatMap { $0.points.map(\.x) }.max() ?? 1
        series.append(.init(name: "unigram baseline", points: [(0, evaluation.unigramLoss), (end, evaluation.unigramLoss)], color: "#999"))
        report.svg(
            SVGChart.lines(title: "Validation loss against training time", xLabel: "seconds", yLabel: "cross-entropy", series: series))
        report.table(headers: ["model", "parameters", "steps", "seconds", "tokens/s", "final validation loss"], rows: rows)
    }

    private func samplesSection(_ report: inout HTMLReport) throws {
        report.heading("Generated samples")
        let g = config.generate
        report.paragraph("Temperature \(g.temperature), top-k \(g.topK), \(g.maxTokens) tokens at most, seed \(g.seed).")
        for sample in try readJSON([Sample].self, from: "samples.json") {
            report.preformatted(sample.text)
        }
    }

    private func attentionSection(_ report: inout HTMLReport) throws {
        report.heading("Attention")
        guard config.lm.arch == .transformer else {
            report.paragraph(
                "Skipped: attention maps show which earlier tokens a Transformer's heads attend to, and the main model of this run is "
                    + "\(Self.archName(config.lm.arch)) (lm.arch = \(config.lm.arch.rawValue)), which has no attention: it reads the "
                    + "tokens one at a time through its recurrent state.")
            return
        }
        let map = try readJSON(AttentionFile.self, from: "attention.json")
        guard let first = map.layers.first, let last = map.layers.last else {
            report.paragraph("No attention weights (the sentence encoded to no tokens).")
            return
        }
        report.paragraph(
            "Which earlier tokens each position attends to (rows: positions; columns: attended tokens), for “\(config.report.attentionText)”."
        )
        let labels = map.tokens.map(Self.visible)
        report.svg(SVGChart.heatmap(title: "layer 1, head 1", values: first[0], rowLabels: labels, columnLabels: labels))
        let heads = Double(last.count)
        let mean = last[0].indices.map { i in last[0][i].indices.map { j in last.reduce(0) { $0 + $1[i][j] } / heads } }
        report.svg(
            SVGChart.heatmap(
                title: "layer \(map.layers.count), mean of \(last.count) heads", values: mean, rowLabels: labels, columnLabels: labels))
    }

    // MARK: Helpers

    /// The family's name as written in prose (“an LSTM”).
    static func archName(_ arch: LanguageModelArchitecture) -> String {
        switch arch {
        case .transformer: "a Transformer"
        case .rnn: "an Elman RNN"
        case .lstm: "an LSTM"
        case .gru: "a GRU"
        }
    }

    /// Tokens of `sentence` as text; byte-level pieces of one character are shown together.
    static func tokenStrip(_ tokenizer: Tokenizer, _ sentence: String) -> [(text: String, id: UInt32)] {
        var strip: [(text: String, id: UInt32)] = []
        var pending: [UInt8] = []
        var pendingID: UInt32?
        for id in tokenizer.encode(sentence) {
            pending += tokenizer.decodeBytes([id])
            if pendingID == nil { pendingID = id }
            if let text = String(validating: pending, as: UTF8.self) {
                strip.append((text, pendingID ?? id))
                pending = []
                pendingID = nil
            }
        }
        if !pending.isEmpty { strip.append((String(decoding: pending, as: UTF8.self), pendingID ?? 0)) }
        return strip
    }

    /// The merges of a BPE tokenizer in rank order, decoded from the byte-level alphabet when the
    /// tokenizer is byte-level; none for other models.
    static func merges(of tokenizer: Tokenizer) -> [(String, String)] {
        guard case .bpe(let model) = tokenizer.model else { return [] }
        let byteLevel = tokenizer.decoder == .byteLevel
        func show(_ s: String) -> String {
            guard byteLevel, let bytes = ByteLevelAlphabet.decode(s) else { return s }
            return String(decoding: bytes, as: UTF8.self)
        }
        return model.mergeStrings.map { (show($0.0), show($0.1)) }
    }

    /// Spaces and line ends made visible.
    static func visible(_ text: String) -> String {
        text.replacingOccurrences(of: " ", with: "␣").replacingOccurrences(of: "\n", with: "⏎").replacingOccurrences(of: "\r", with: "")
    }

    static func number(_ v: Double) -> String {
        if !v.isFinite { return "–" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        return String(format: abs(v) >= 100 ? "%.0f" : "%.3f", v)
    }
}
