import Foundation

/// Progress lines on standard error: at most one a second, and a closing summary.
final class ProgressReporter: @unchecked Sendable {  // used by one thread at a time
    private let label: String
    private let start = DispatchTime.now().uptimeNanoseconds
    private var last: UInt64 = 0

    init(label: String) { self.label = label }

    private var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Reports bytes read (and, optionally, what else is known).
    func update(bytes: Int, extra: String = "") {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - last > 1_000_000_000 else { return }
        last = now
        let mb = Double(bytes) / 1e6
        FileHandle.standardError.write(
            Data("\(label): \(String(format: "%.1f", mb)) MB read, \(String(format: "%.1f", mb / max(elapsed, 1e-9))) MB/s\(extra)\n".utf8))
    }

    /// Reports a step of a known total, with an estimate of the time left.
    func step(_ done: Int, of total: Int, what: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - last > 1_000_000_000, done > 0 else { return }
        last = now
        let eta = elapsed / Double(done) * Double(total - done)
        FileHandle.standardError.write(Data("\(label): \(done)/\(total) \(what), ETA \(String(format: "%.0f", eta)) s\n".utf8))
    }

    /// The closing summary line.
    func finish(_ summary: String) {
        FileHandle.standardError.write(Data("\(label): \(summary) in \(String(format: "%.2f", elapsed)) s\n".utf8))
    }
}
