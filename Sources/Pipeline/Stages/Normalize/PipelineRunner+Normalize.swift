import ArtifactIO
import Foundation
import TextNormalization

/// The normalize stage: every corpus file normalized (CRLF line ends become LF) into `corpus/`.
extension PipelineRunner {
    func runNormalize() throws -> ([String], [String: Double]) {
        try FileManager.default.createDirectory(atPath: path("corpus"), withIntermediateDirectories: true)
        let options = config.normalize
        let normalizer = Normalizer(
            form: options.form, lowercase: options.lowercase,
            clean: options.clean, keepNewlines: true)
        var scratch = NormalizationScratch()
        var buffer: [UInt8] = []
        var bytesIn = 0, bytesOut = 0
        for (file, target) in zip(corpusFiles, normalizedFiles) {
            let writer = try AtomicFileWriter(path: path(target))
            let reader = try TextChunkReader(
                path: file, options: .init(replaceInvalid: options.replaceInvalid, rejectNUL: !options.replaceInvalid))
            try reader.forEachChunk { chunk, _ in
                buffer.removeAll(keepingCapacity: true)
                normalizer.normalize(chunk, into: &buffer, scratch: &scratch)
                Self.dropCarriageReturns(&buffer)
                bytesIn += chunk.count
                bytesOut += buffer.count
                try writer.write(buffer)
            }
            try writer.commit()
        }
        log("  \(corpusFiles.count) files, \(bytesIn) bytes in, \(bytesOut) bytes out")
        return (normalizedFiles, ["files": Double(corpusFiles.count), "bytes_in": Double(bytesIn), "bytes_out": Double(bytesOut)])
    }

    /// CRLF line ends become LF, so that every corpus ends its lines the same way.
    static func dropCarriageReturns(_ bytes: inout [UInt8]) {
        var w = 0
        for r in bytes.indices {
            if bytes[r] == 0x0D && r + 1 < bytes.count && bytes[r + 1] == 0x0A { continue }
            bytes[w] = bytes[r]
            w += 1
        }
        bytes.removeLast(bytes.count - w)
    }
}
