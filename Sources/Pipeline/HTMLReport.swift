/// A self-contained HTML page built section by section: headings, text, tables, inline SVG and
/// token strips with one colour per token. It needs no network and no script to display.
///
/// ```swift
/// var report = HTMLReport(title: "Run demo")
/// report.heading("Tokenizer")
/// report.table(headers: ["vocab", "bytes/token"], rows: [["8000", "3.9"]])
/// let html = report.render()
/// ```
public struct HTMLReport: Sendable {
    /// The page title.
    public var title: String
    private var body: [String] = []

    /// Starts a page.
    public init(title: String) {
        self.title = title
    }

    /// A section heading (level 2) or sub-heading (level 3).
    public mutating func heading(_ text: String, level: Int = 2) {
        body.append("<h\(level)>\(SVGChart.escape(text))</h\(level)>")
    }

    /// A paragraph of plain text.
    public mutating func paragraph(_ text: String) {
        body.append("<p>\(SVGChart.escape(text))</p>")
    }

    /// Preformatted text (generated samples, commands).
    public mutating func preformatted(_ text: String) {
        body.append("<pre>\(SVGChart.escape(text))</pre>")
    }

    /// A table; every cell is plain text.
    public mutating func table(headers: [String], rows: [[String]]) {
        var html = "<table><tr>" + headers.map { "<th>\(SVGChart.escape($0))</th>" }.joined() + "</tr>"
        for row in rows {
            html += "<tr>" + row.map { "<td>\(SVGChart.escape($0))</td>" }.joined() + "</tr>"
        }
        body.append(html + "</table>")
    }

    /// An SVG chart made by ``SVGChart`` (trusted markup, inserted as it is).
    public mutating func svg(_ markup: String) {
        body.append("<div class=\"chart\">\(markup)</div>")
    }

    /// A token strip: each token's text on its own coloured background, its id on hover.
    public mutating func tokens(_ tokens: [(text: String, id: UInt32)]) {
        let colors = ["#fde2e4", "#e2ece9", "#dfe7fd", "#fff1c1", "#e8dff5", "#d8f3dc", "#fce1c8", "#cddafd"]
        var html = "<div class=\"tokens\">"
        for (k, token) in tokens.enumerated() {
            let visible = token.text.replacingOccurrences(of: "\n", with: "⏎")
            html += "<span style=\"background:\(colors[k % colors.count])\" title=\"id \(token.id)\">\(SVGChart.escape(visible))</span>"
        }
        body.append(html + "</div>")
    }

    /// The whole page.
    public func render() -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(SVGChart.escape(title))</title>
        <style>
        body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
        table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:13px}
        pre{background:#f6f6f6;padding:0.8em;white-space:pre-wrap;font-size:13px}
        .tokens{line-height:2em;font-family:monospace;font-size:14px}.tokens span{padding:2px 1px;margin:0 1px;border-radius:3px;white-space:pre}
        .chart{margin:1em 0}
        </style></head><body>
        <h1>\(SVGChart.escape(title))</h1>
        \(body.joined(separator: "\n"))
        </body></html>
        """
    }
}
