// tessera: the command line of Tessera. One file per command; each stage's work is done by
// its library module, the commands only parse options and move bytes.
import ArgumentParser
import ArtifactIO
import Foundation
import TextNormalization

/// The `tessera` command and its subcommands.
@main
struct TesseraCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tessera",
        abstract: "Raw text to a small language model: normalize, tokenize, embed, train.",
        subcommands: [
            NormalizeCommand.self,
            PretokenizeCommand.self,
            TrainTokenizerCommand.self,
            ConvertTokenizerCommand.self,
            CountCommand.self,
            MergeCountsCommand.self,
            EncodeCommand.self,
            CatShardsCommand.self,
            DecodeCommand.self,
            TrainEmbeddingsCommand.self,
            SimilarCommand.self,
            AnalogyCommand.self,
            EvaluateEmbeddingsCommand.self,
            TrainLMCommand.self,
            TrainSeq2SeqCommand.self,
            TranslateCommand.self,
            EvaluateSeq2SeqCommand.self,
            GenerateCommand.self,
            EvaluateLMCommand.self,
            AttentionCommand.self,
            TrainMLMCommand.self,
            FillMaskCommand.self,
            EvaluateMLMCommand.self,
            EmbedCommand.self,
            FineTuneCommand.self,
            ClassifyCommand.self,
            ExportCommand.self,
            PipelineCommand.self,
            BenchCommand.self,
        ]
    )

    /// Runs the command line. Every failure ends as one line on standard error (`Error: what,
    /// where, what was expected`) with a non-zero status; help and usage stay as they are.
    static func main() {
        let arguments = joinNegativeValues(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            let message = errorLine(error)
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }

    /// The one-line message of an error: parse and validation errors without their usage block,
    /// Foundation and Codable errors without their dumps, control bytes escaped.
    static func errorLine(_ error: Error) -> String {
        let text: String
        switch error {
        case is DecodingError, is EncodingError: text = JSONErrorText.describe(error)
        case TextInputError.invalidUTF8(let path, let offset):
            // The library names its parameter; the command line names its flag.
            text = "\(path): invalid UTF-8 at byte offset \(offset) (use --replace-invalid to substitute U+FFFD)"
        case let error as CocoaError:
            let path = (error.userInfo[NSFilePathErrorKey] as? String) ?? error.url?.path ?? "file"
            let reason =
                (error.userInfo[NSUnderlyingErrorKey] as? NSError).map { String(cString: strerror(Int32($0.code))) }
                ?? error.localizedDescription
            text = "\(path): \(reason)"
        default:
            let message = message(for: error)
            text = message.isEmpty ? String(describing: error) : message
        }
        let line = JSONErrorText.oneLine(text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? text)
        return line.hasPrefix("Error: ") ? String(line.dropFirst(7)) : line
    }

    /// `--name -1` becomes `--name=-1`, so a negative (or `-inf`/`-nan`) value reaches the option's
    /// validation instead of being taken for an unknown option ("Missing value").
    static func joinNegativeValues(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var k = 0
        while k < arguments.count {
            let a = arguments[k]
            if a == "--" { out += arguments[k...]; break }
            if a.hasPrefix("--"), !a.contains("="), k + 1 < arguments.count, looksNegative(arguments[k + 1]) {
                out.append(a + "=" + arguments[k + 1])
                k += 2
                continue
            }
            out.append(a)
            k += 1
        }
        return out
    }

    private static func looksNegative(_ value: String) -> Bool {
        guard value.hasPrefix("-"), value.count > 1 else { return false }
        let rest = value.dropFirst().lowercased()
        return rest.first.map { $0.isNumber || $0 == "." } == true || rest == "inf" || rest == "infinity" || rest == "nan"
    }
}
