import Foundation

/// The report's translation section: the model, its training curve, BLEU and chrF on dev and test
/// with the metric settings, example translations against their references, and a cross-attention
/// heat-map.
extension PipelineRunner {
    func translationSection(_ report: inout HTMLReport) throws {
        let t = config.translation
        report.heading("Translation (\(t.sourceField) → \(t.targetField))")
        guard t.enabled else {
            report.paragraph("The translation track was disabled for this run (translation.enabled = false).")
            return
        }
        let data = StageRecord.load(run: run, stage: PipelineStage.translationTokenizer.rawValue)
        let training = StageRecord.load(run: run, stage: PipelineStage.translationModel.rawValue)
        let evaluation = try readJSON(TranslationEvaluation.self, from: "translation/evaluation.json")
        let shape =
            t.arch == .transformer
            ? "Transformer encoder–decoder: \(t.layers) + \(t.layers) layers, \(t.heads) heads, dim \(t.dim), FFN \(t.ffnDim), "
                + "post-LN, ReLU, sinusoidal positions, shared embeddings with a tied output"
            : "\(t.arch.rawValue): \(t.bidirectional ? "bidirectional " : "")\(t.cell.rawValue.uppercased()) encoder and decoder, "
                + "\(t.layers) layers of \(t.dim)" + (t.arch == .rnn ? " (no attention: the fixed-size context)" : ", global dot-product attention")
        let m = training?.metrics ?? [:]
        report.paragraph(
            "Pairs: \(t.pairs) (fields \(t.sourceField) → \(t.targetField)), split by FNV-1a of the source: "
                + "train \(Self.number(data?.metrics["train_pairs"] ?? .nan)), dev \(Self.number(data?.metrics["dev_pairs"] ?? .nan)), "
                + "test \(Self.number(data?.metrics["test_pairs"] ?? .nan)). Joint byte-level BPE tokenizer of "
                + "\(Self.number(data?.metrics["vocabulary"] ?? .nan)) tokens with <pad>, <bos>, <eos>. \(shape); "
                + "\(Self.number(m["parameters"] ?? .nan)) parameters, label smoothing \(t.labelSmoothing), "
                + "\(Self.number(m["steps"] ?? .nan)) steps of \(t.batchTokens) padded tokens in \(String(format: "%.0f", m["train_seconds"] ?? .nan)) s "
                + "(budget \(t.minutes > 0 ? "\(t.minutes) min or " : "")\(t.steps) steps, peak lr \(t.lr)).")
        let curve = (try? readJSON([CurvePoint].self, from: "translation/curve.json")) ?? []
        let series = [
            SVGChart.Series(name: "training loss", points: curve.compactMap { p in p.trainLoss.map { (x: Double(p.step), y: $0) } }),
            SVGChart.Series(name: "dev loss", points: curve.compactMap { p in p.valLoss.map { (x: Double(p.step), y: $0) } }),
        ]
        report.svg(SVGChart.lines(title: "Translation loss (nats per target token)", xLabel: "step", yLabel: "cross-entropy", series: series))
        report.paragraph(
            "Decoding: \(evaluation.beam == 1 ? "greedy" : "beam \(evaluation.beam), length penalty \(evaluation.lengthPenalty)"). "
                + "BLEU as sacreBLEU's default (\(evaluation.bleuSignature)); chrF as sacreBLEU's default (\(evaluation.chrfSignature)). "
                + "Loss: mean negative log-likelihood per target token under teacher forcing.")
        report.table(
            headers: ["split", "sentences", "BLEU", "chrF", "loss", "decoding time"],
            rows: evaluation.scores.map {
                [$0.split, "\($0.sentences)", String(format: "%.2f", $0.bleu), String(format: "%.2f", $0.chrf), Self.number($0.loss),
                 String(format: "%.1f s", $0.decodeSeconds)]
            })
        if !evaluation.examples.isEmpty {
            report.heading("Example translations (test)", level: 3)
            report.table(
                headers: ["source", "reference", "translation"],
                rows: evaluation.examples.map { [$0.source, $0.reference, $0.hypothesis] })
        }
        report.heading("Cross-attention", level: 3)
        guard let attention = try? readJSON(CrossAttentionFile.self, from: "translation/attention.json"),
            let last = attention.layers.last, let first = last.first, !first.isEmpty
        else {
            report.paragraph(
                t.arch == .rnn
                    ? "None: translation.arch rnn has no attention (the decoder sees only the encoder's final state)."
                    : "No cross-attention weights (the sentence encoded to no tokens).")
            return
        }
        report.paragraph(
            "Which source token each output token looked at (rows: output tokens; columns: source tokens) while translating "
                + "“\(t.attentionText)” (greedy) into “\(attention.translation)”"
                + (last.count > 1 ? "; last decoder layer, mean of its \(last.count) heads." : "."))
        let heads = Double(last.count)
        let mean = first.indices.map { i in first[i].indices.map { j in last.reduce(0) { $0 + $1[i][j] } / heads } }
        report.svg(
            SVGChart.heatmap(
                title: "cross-attention, layer \(attention.layers.count)", values: mean, rowLabels: attention.output.map(Self.visible),
                columnLabels: attention.source.map(Self.visible)))
    }
}
