import Foundation

/// Self-contained SVG charts for the run report: line charts, labelled scatter plots and heat maps.
///
/// ```swift
/// let svg = SVGChart.lines(title: "Loss", xLabel: "step", yLabel: "loss",
///                          series: [.init(name: "train", points: [(0, 5.5), (100, 3.2)])])
/// ```
public enum SVGChart {
    /// One named line of a line chart.
    public struct Series: Sendable {
        /// Legend text.
        public var name: String
        /// (x, y) points, in order of x.
        public var points: [(x: Double, y: Double)]
        /// CSS colour; `nil` picks one from the palette.
        public var color: String?

        /// Creates a series.
        public init(name: String, points: [(x: Double, y: Double)], color: String? = nil) {
            self.name = name
            self.points = points
            self.color = color
        }
    }

    /// One labelled point of a scatter plot.
    public struct LabelledPoint: Sendable {
        public var x: Double
        public var y: Double
        public var label: String

        /// Creates a point.
        public init(x: Double, y: Double, label: String) {
            self.x = x
            self.y = y
            self.label = label
        }
    }

    /// Ten distinguishable colours.
    public static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ]

    // MARK: Line chart

    /// A line chart with axes, ticks and a legend.
    public static func lines(
        title: String, xLabel: String, yLabel: String, series: [Series],
        width: Int = 640, height: Int = 360
    ) -> String {
        let all = series.flatMap(\.points)
        guard !all.isEmpty else { return empty(title: title, width: width, height: height) }
        let frame = Frame(
            width: width, height: height,
            xRange: niceRange(all.map(\.x)), yRange: niceRange(all.map(\.y)))
        var svg = frame.open(title: title, xLabel: xLabel, yLabel: yLabel)
        for (k, s) in series.enumerated() where !s.points.isEmpty {
            let color = s.color ?? palette[k % palette.count]
            let path = s.points.map { "\(fmt(frame.px($0.x))),\(fmt(frame.py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\" points=\"\(path)\"/>"
            if s.points.count == 1, let p = s.points.first {
                svg += "<circle cx=\"\(fmt(frame.px(p.x)))\" cy=\"\(fmt(frame.py(p.y)))\" r=\"3\" fill=\"\(color)\"/>"
            }
            let ly = frame.top + 14 + 16 * k
            svg += "<rect x=\"\(frame.right - 150)\" y=\"\(ly - 9)\" width=\"12\" height=\"3\" fill=\"\(color)\"/>"
            svg += "<text x=\"\(frame.right - 132)\" y=\"\(ly)\" font-size=\"11\">\(escape(s.name))</text>"
        }
        return svg + "</svg>"
    }

    // MARK: Scatter plot

    /// A scatter plot whose points carry text labels.
    public static func scatter(
        title: String, xLabel: String, yLabel: String, points: [LabelledPoint],
        width: Int = 640, height: Int = 480
    ) -> String {
        guard !points.isEmpty else { return empty(title: title, width: width, height: height) }
        let frame = Frame(
            width: width, height: height,
            xRange: niceRange(points.map(\.x)), yRange: niceRange(points.map(\.y)))
        var svg = frame.open(title: title, xLabel: xLabel, yLabel: yLabel)
        for p in points {
            let x = fmt(frame.px(p.x)), y = fmt(frame.py(p.y))
            svg += "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"2.5\" fill=\"#1f77b4\" fill-opacity=\"0.7\"/>"
            svg += "<text x=\"\(x)\" y=\"\(y)\" dx=\"3\" dy=\"-3\" font-size=\"9\" fill=\"#333\">\(escape(p.label))</text>"
        }
        return svg + "</svg>"
    }

    // MARK: Heat map

    /// A heat map of `values` (rows × columns, each in 0…1), with row and column labels.
    public static func heatmap(
        title: String, values: [[Double]], rowLabels: [String], columnLabels: [String],
        cell: Int = 22
    ) -> String {
        let rows = values.count, cols = values.first?.count ?? 0
        let left = 90, top = 80
        let width = left + cols * cell + 20, height = top + rows * cell + 20
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\">"
        svg += "<text x=\"\(left)\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(escape(title))</text>"
        for (c, label) in columnLabels.prefix(cols).enumerated() {
            let x = left + c * cell + cell / 2
            svg += "<text transform=\"translate(\(x),\(top - 6)) rotate(-60)\" font-size=\"10\">\(escape(label))</text>"
        }
        for r in 0..<rows {
            let y = top + r * cell
            if r < rowLabels.count {
                svg +=
                    "<text x=\"\(left - 4)\" y=\"\(y + cell / 2 + 4)\" font-size=\"10\" text-anchor=\"end\">\(escape(rowLabels[r]))</text>"
            }
            for c in 0..<min(cols, values[r].count) {
                let v = max(0, min(1, values[r][c]))
                let shade = Int((1 - v) * 255)
                svg +=
                    "<rect x=\"\(left + c * cell)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"rgb(\(shade),\(shade),255)\"><title>\(fmt(v))</title></rect>"
            }
        }
        return svg + "</svg>"
    }

    // MARK: Helpers

    /// Geometry of a plot area and its data ranges.
    struct Frame {
        let width: Int, height: Int
        let xRange: (Double, Double), yRange: (Double, Double)
        let left = 60, top = 30
        var right: Int { width - 20 }
        var bottom: Int { height - 45 }

        func px(_ x: Double) -> Double { Double(left) + (x - xRange.0) / (xRange.1 - xRange.0) * Double(right - left) }
        func py(_ y: Double) -> Double { Double(bottom) - (y - yRange.0) / (yRange.1 - yRange.0) * Double(bottom - top) }

        func open(title: String, xLabel: String, yLabel: String) -> String {
            var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\">"
            svg += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"white\"/>"
            svg += "<text x=\"\(left)\" y=\"18\" font-size=\"13\" font-weight=\"bold\">\(escape(title))</text>"
            svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(right - left)\" height=\"\(bottom - top)\" fill=\"none\" stroke=\"#999\"/>"
            for k in 0...4 {
                let fx = xRange.0 + (xRange.1 - xRange.0) * Double(k) / 4
                let fy = yRange.0 + (yRange.1 - yRange.0) * Double(k) / 4
                let x = fmt(px(fx)), y = fmt(py(fy))
                svg += "<line x1=\"\(x)\" y1=\"\(top)\" x2=\"\(x)\" y2=\"\(bottom)\" stroke=\"#eee\"/>"
                svg += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(right)\" y2=\"\(y)\" stroke=\"#eee\"/>"
                svg += "<text x=\"\(x)\" y=\"\(bottom + 14)\" font-size=\"10\" text-anchor=\"middle\">\(label(fx))</text>"
                svg += "<text x=\"\(left - 4)\" y=\"\(y)\" dy=\"3\" font-size=\"10\" text-anchor=\"end\">\(label(fy))</text>"
            }
            svg += "<text x=\"\((left + right) / 2)\" y=\"\(height - 8)\" font-size=\"11\" text-anchor=\"middle\">\(escape(xLabel))</text>"
            svg +=
                "<text transform=\"translate(14,\((top + bottom) / 2)) rotate(-90)\" font-size=\"11\" text-anchor=\"middle\">\(escape(yLabel))</text>"
            return svg
        }
    }

    static func empty(title: String, width: Int, height: Int) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"60\"><text x=\"10\" y=\"30\">\(escape(title)): no data</text></svg>"
    }

    /// The data range padded by 5%, never empty.
    static func niceRange(_ values: [Double]) -> (Double, Double) {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return (0, 1) }
        if hi - lo < 1e-12 { return (lo - 1, hi + 1) }
        let pad = (hi - lo) * 0.05
        return (lo - pad, hi + pad)
    }

    static func fmt(_ v: Double) -> String { String(format: "%.2f", v) }

    static func label(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1000 { return String(format: "%.0f", v) }
        if a >= 10 { return String(format: "%.1f", v) }
        return String(format: "%.2f", v)
    }

    /// Escapes text for XML and HTML.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                if c.value < 0x20 && c != "\n" && c != "\t" { out += "&#xFFFD;" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }
}
