import Foundation
import Pipeline
import Testing

@Suite struct ReportTests {
    @Test func lineChartDrawsOnePolylinePerSeries() {
        let svg = SVGChart.lines(
            title: "Loss", xLabel: "step", yLabel: "loss",
            series: [
                .init(name: "train", points: [(0, 5), (10, 3), (20, 2)]),
                .init(name: "validation", points: [(0, 5.2), (20, 2.4)]),
            ])
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.contains(">validation</text>"))
    }

    @Test func scatterAndHeatmapHaveAnElementPerDatum() {
        let scatter = SVGChart.scatter(
            title: "PCA", xLabel: "pc1", yLabel: "pc2",
            points: [
                .init(x: 0, y: 1, label: "the"), .init(x: 2, y: -1, label: "<and>"),
            ])
        #expect(scatter.components(separatedBy: "<circle").count - 1 == 2)
        #expect(scatter.contains("&lt;and&gt;"))
        let heat = SVGChart.heatmap(title: "attention", values: [[1, 0], [0.5, 0.5]], rowLabels: ["a", "b"], columnLabels: ["a", "b"])
        #expect(heat.components(separatedBy: "<rect").count - 1 == 4)
    }

    @Test func reportIsOneEscapedPage() {
        var report = HTMLReport(title: "Run <1>")
        report.heading("Tokens")
        report.tokens([("Hel", 1), ("lo\n", 2)])
        report.table(headers: ["a"], rows: [["<b>"]])
        let html = report.render()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("Run &lt;1&gt;"))
        #expect(html.contains("lo⏎"))
        #expect(html.contains("<td>&lt;b&gt;</td>"))
        // Self-contained: no external resource; the only URL allowed is an inline SVG's namespace.
        let urls = html.components(separatedBy: "http").count - 1
        let namespaces = html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1
        #expect(urls == namespaces)
        #expect(!html.contains("<script src") && !html.contains("<link"))
    }

    @Test func fingerprintsChangeWithEveryInput() {
        var a = Fingerprint(), b = Fingerprint(), c = Fingerprint()
        a.add("ab"); a.add("c")
        b.add("a"); b.add("bc")
        c.add("ab"); c.add("c")
        #expect(a.hex != b.hex)
        #expect(a.hex == c.hex)
        #expect(a.hex.count == 16)
    }
}
