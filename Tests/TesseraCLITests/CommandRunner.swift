import Foundation

/// Runs the built `tessera` executable (it sits beside the test bundle in the build products).
struct CommandRunner {
    struct Result {
        let status: Int32
        let stdout: Data
        let stderr: String
    }

    static let executable: URL = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        // Walk up from the test runner (…/debug/XPackageTests.xctest[/…]) to the products folder.
        while url.pathComponents.count > 1 {
            let candidate = url.deletingLastPathComponent().appendingPathComponent("tessera")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            url = url.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "tessera")
    }()

    /// Runs `tessera` with `arguments`, feeding `stdin`; a run longer than `timeout` seconds is
    /// stopped (SIGKILL, status 137) so that a hang fails the test instead of stalling the suite.
    static func run(_ arguments: [String], stdin: Data = Data(), timeout: Double = 300) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // A process killed by a signal (a trap, an abort, the watchdog) reports 128 + the signal, as a shell does.
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Result(status: status, stdout: out, stderr: String(decoding: err, as: UTF8.self))
    }

    /// A fresh empty directory for one test.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
