import Foundation

/// Progress and summary lines on standard error: a live line on a terminal, periodic lines otherwise.
struct StandardError: Sendable {
    /// Whether standard error is a terminal.
    let isTerminal = isatty(2) != 0

    /// Writes a whole line.
    func line(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Writes a progress line (overwritten in place on a terminal).
    func progress(_ text: String) {
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" + text : text + "\n").utf8))
    }

    /// Ends the live progress line.
    func finishProgress() {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
