import Foundation

/// The report's masked-LM section: data, tokenizer, model and time; the training and held-out
/// loss and accuracy curves against the unigram baseline; the final held-out figures; fill-mask
/// examples from held-out lines of each script.
extension PipelineRunner {
    func mlmSection(_ report: inout HTMLReport) throws {
        let m = config.mlm
        report.heading("Masked language model (BERT)")
        guard m.enabled else {
            report.paragraph("The masked-LM track was disabled for this run (mlm.enabled = false).")
            return
        }
        let data = StageRecord.load(run: run, stage: PipelineStage.mlmTokenizer.rawValue)
        let training = StageRecord.load(run: run, stage: PipelineStage.mlmModel.rawValue)
        let evaluation = try readJSON(MLMEvaluationFile.self, from: "mlm/evaluation.json")
        let t = training?.metrics ?? [:]
        report.paragraph(
            "Text: the normalized corpus, the last \(m.heldOutFraction) of each file's lines held out "
                + "(\(Self.number(data?.metrics["train_lines"] ?? .nan)) training lines, \(Self.number(data?.metrics["heldout_lines"] ?? .nan)) held-out). "
                + "WordPiece tokenizer of \(Self.number(data?.metrics["vocabulary"] ?? .nan)) tokens trained on the training lines. "
                + "BERT encoder: \(m.layers) layers, \(m.heads) heads, dim \(m.dim), FFN \(m.ffnDim), context \(m.context), \(m.norm.rawValue)-LN, "
                + "\(m.activation.rawValue); \(Self.number(t["parameters"] ?? .nan)) parameters; masked-LM objective "
                + "(\(Int((m.maskProbability * 100).rounded()))% of the tokens, 80/10/10\(m.wholeWord ? ", whole words" : "")), "
                + "\(Self.number(t["training_sequences"] ?? .nan)) training sequences; "
                + "\(Self.number(t["steps"] ?? .nan)) steps of \(m.batch) sequences in \(String(format: "%.0f", t["train_seconds"] ?? .nan)) s "
                + "(\(Self.number(t["tokens_per_s"] ?? .nan)) padded tokens/s; budget \(m.minutes > 0 ? "\(m.minutes) min or " : "")\(m.steps) steps, "
                + "peak lr \(m.lr)).")
        let curve = (try? readJSON([MLMCurvePoint].self, from: "mlm/curve.json")) ?? []
        func points(_ value: (MLMCurvePoint) -> Double?) -> [(x: Double, y: Double)] {
            curve.compactMap { p in value(p).map { (x: Double(p.step), y: $0) } }
        }
        report.svg(
            SVGChart.lines(
                title: "Masked-LM loss (nats per predicted token)", xLabel: "step", yLabel: "cross-entropy",
                series: [
                    .init(name: "training loss", points: points(\.trainLoss)), .init(name: "held-out loss", points: points(\.heldOutLoss)),
                ]))
        report.svg(
            SVGChart.lines(
                title: "Masked-LM accuracy (held-out pairs, fixed masks)", xLabel: "step", yLabel: "accuracy",
                series: [
                    .init(name: "training batches", points: points(\.trainAccuracy)),
                    .init(name: "held-out", points: points(\.heldOutAccuracy)),
                    .init(name: "unigram baseline", points: points(\.unigramAccuracy), color: "#999"),
                ]))
        report.paragraph(
            "All \(evaluation.sequences) held-out sequences, masked once with a fixed seed. The unigram baseline always predicts the "
                + "held-out text's most frequent token (fitted on that text itself, so it is optimistic).")
        report.table(
            headers: ["held-out MLM accuracy", "unigram accuracy", "held-out MLM loss", "unigram loss", "masked tokens"],
            rows: [
                [
                    String(format: "%.3f", evaluation.accuracy), String(format: "%.3f", evaluation.unigramAccuracy), Self.number(evaluation.loss),
                    Self.number(evaluation.unigramLoss), "\(evaluation.maskedTokens)",
                ]
            ])
        report.heading("Fill-mask on held-out lines", level: 3)
        guard !evaluation.examples.isEmpty else {
            report.paragraph("No held-out line had a word that is one token of the vocabulary.")
            return
        }
        report.paragraph(
            "Held-out lines (Latin script: the English text; Hangul: the Korean) with one word replaced by [MASK]: the word nearest "
                + "the middle that is a single token. The top \(m.topK) with their probabilities; ✓ where the first is the masked word.")
        report.table(
            headers: ["script", "text", "masked word", "top \(m.topK)", "first right"],
            rows: evaluation.examples.map { e in
                [
                    e.script, e.text, e.word, e.candidates.map { String(format: "%@ %.3f", Self.visible($0.token), $0.probability) }.joined(separator: ", "),
                    e.candidates.first?.token == e.word ? "✓" : "",
                ]
            })
    }
}
