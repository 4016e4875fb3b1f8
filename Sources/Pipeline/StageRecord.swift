import ArtifactIO
import Foundation

/// What a finished stage leaves in `RUN/stages/NAME.json`: the fingerprint of its inputs and
/// options, the artifacts it wrote, and its figures for the report.
public struct StageRecord: Codable, Sendable, Equatable {
    /// The stage's name.
    public var stage: String
    /// Fingerprint of everything the stage's output depends on.
    public var fingerprint: String
    /// Artifacts written, relative to the run directory.
    public var outputs: [String]
    /// Figures for the report (loss, seconds, vocabulary size…).
    public var metrics: [String: Double]
    /// Seconds the stage took.
    public var seconds: Double
    /// Size and checksum of each output when the stage finished (`SIZE:FNV1A64`), so a changed
    /// or truncated output makes the stage run again. Absent in records of older versions.
    public var checksums: [String: String]?

    /// Creates a record.
    public init(stage: String, fingerprint: String, outputs: [String], metrics: [String: Double] = [:], seconds: Double) {
        self.stage = stage
        self.fingerprint = fingerprint
        self.outputs = outputs
        self.metrics = metrics
        self.seconds = seconds
    }

    /// The record's path in a run directory.
    public static func path(run: String, stage: String) -> String { "\(run)/stages/\(stage).json" }

    /// Reads the record of `stage`, or `nil` when there is none (or it is unreadable: the stage re-runs).
    public static func load(run: String, stage: String) -> StageRecord? {
        guard let data = FileManager.default.contents(atPath: path(run: run, stage: stage)) else { return nil }
        return try? JSONDecoder().decode(StageRecord.self, from: data)
    }

    /// Writes the record atomically (the stage counts as done only once this file exists).
    public func save(run: String) throws {
        try FileManager.default.createDirectory(atPath: "\(run)/stages", withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFileWriter.write(Array(try encoder.encode(self)), to: StageRecord.path(run: run, stage: stage))
    }

    /// Records the size and checksum of every output (call after the stage wrote them).
    public mutating func stampOutputs(run: String) throws {
        var stamps: [String: String] = [:]
        for output in outputs { stamps[output] = try StageRecord.stamp("\(run)/\(output)") }
        checksums = stamps
    }

    /// Whether every output is still there as the stage left it (same size and checksum).
    public func outputsIntact(run: String) -> Bool {
        outputs.allSatisfy { output in
            let path = "\(run)/\(output)"
            guard let checksums else { return FileManager.default.fileExists(atPath: path) }
            guard let expected = checksums[output], let actual = try? StageRecord.stamp(path) else { return false }
            return expected == actual
        }
    }

    /// `SIZE:CHECKSUM` of a file's contents.
    static func stamp(_ path: String) throws -> String {
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
        var f = Fingerprint()
        try f.addContents(ofFile: path)
        return "\(size):\(f.hex)"
    }
}
