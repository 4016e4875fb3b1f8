import Foundation
import Testing

@Suite struct NormalizeCommandTests {
    @Test func normalizesFilesAndStandardInput() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.txt")
        try Data("Ｈｅｌｌｏ ﬁne\r\nCafe\u{301}\u{0}?\n".utf8).write(to: input)
        let output = dir.appendingPathComponent("out.txt")
        // NUL is binary data unless invalid input is accepted; --clean then drops it.
        let rejected = try CommandRunner.run(["normalize", input.path, "-o", output.path])
        #expect(rejected.status != 0)
        #expect(rejected.stderr.contains("\(input.path): NUL byte at byte offset 29"))
        let result = try CommandRunner.run([
            "normalize", "--form", "nfkc", "--lowercase", "--clean", "--replace-invalid", input.path, "-o", output.path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOf: output, encoding: .utf8) == "hello fine\r\ncafé?\n")
        let piped = try CommandRunner.run(["normalize", "--form", "nfd"], stdin: Data("é".utf8))
        #expect(piped.stdout == Data("e\u{301}".utf8))
    }

    @Test func badInputGivesAOneLineErrorAndNoOutputFile() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.txt")
        try Data("fine text\n".utf8).write(to: good)
        let invalid = dir.appendingPathComponent("invalid.txt")
        try Data([0x61, 0x62, 0x0A, 0x63, 0xE2, 0x28, 0xA1, 0x0A]).write(to: invalid)
        let binary = dir.appendingPathComponent("binary.bin")
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]).write(to: binary)
        let empty = dir.appendingPathComponent("empty.txt")
        try Data().write(to: empty)
        let missing = dir.appendingPathComponent("missing.txt")
        let cases: [(String, String)] = [
            (invalid.path, "\(invalid.path): invalid UTF-8 at byte offset 4"),
            (binary.path, "\(binary.path): NUL byte at byte offset 7"),
            (empty.path, "\(empty.path): file is empty"),
            (missing.path, "\(missing.path): no such file"),
            (dir.path, "\(dir.path): is a directory"),
        ]
        for (path, message) in cases {
            let output = dir.appendingPathComponent("out.txt")
            // The good file comes first: its output must not survive the failure.
            let result = try CommandRunner.run(["normalize", good.path, path, "-o", output.path])
            #expect(result.status != 0)
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output.path))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".out") }
            #expect(leftovers.isEmpty)
        }
    }

    @Test func pretokenizePrintsOnePiecePerLine() throws {
        let result = try CommandRunner.run(["pretokenize", "--style", "gpt2", "--offsets"], stdin: Data("I'm  here\n".utf8))
        #expect(result.status == 0)
        #expect(String(decoding: result.stdout, as: UTF8.self) == "I\t0\t1\n'm\t1\t3\nĠ\t3\t4\nĠhere\t4\t9\nĊ\t9\t10\n")
    }
}
