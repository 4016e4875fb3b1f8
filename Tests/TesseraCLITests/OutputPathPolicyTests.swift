import Foundation
import Testing

/// Data loss: a command replaces only what it recognises as its own (DESIGN.md, "Output-path
/// policy"). Every case here destroyed or replaced user data before the policy.
@Suite struct OutputPathPolicyTests {
    @Test func anOutputThatIsAnInputIsRefusedAndTheInputKept() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let corpus = try f.corpus()
        let tokenizer = try f.tokenizer()
        let corpusBefore = f.contents("corpus.txt"), tokenizerBefore = f.contents("tokenizer.json")
        // Through another spelling of the same path and through a hard link: compared by device and inode.
        try FileManager.default.linkItem(atPath: corpus, toPath: f.path("hardlink.txt"))
        let cases: [[String]] = [
            ["normalize", corpus, "-o", corpus],
            ["encode", "--tokenizer", tokenizer, "-o", f.directory.path + "/./corpus.txt", corpus],
            ["encode", "--tokenizer", tokenizer, "-o", tokenizer, corpus],
            ["encode", "--tokenizer", tokenizer, "--format", "bin", "-o", f.path("hardlink.txt"), corpus],
            ["train-tokenizer", "--vocab-size", "300", "-o", tokenizer, tokenizer],
            ["count", "-o", corpus, corpus],
        ]
        for args in cases {
            let r = try CommandRunner.run(args)
            #expect(r.status != 0 && r.status < 128, "\(args): \(r.status)")
            #expect(r.stderr.contains("same file as the input"), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
        #expect(f.contents("corpus.txt") == corpusBefore)
        #expect(f.contents("tokenizer.json") == tokenizerBefore)
    }

    @Test func theOutputsOfOneCommandMustDiffer() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let r = try CommandRunner.run([
            "train-embeddings", "--words", try f.corpus(), "-o", f.path("e.safetensors"), "--vec", f.path("e.safetensors"),
        ])
        #expect(r.status != 0 && r.status < 128)
        #expect(r.stderr.contains("listed twice"), "\(r.stderr)")
    }

    @Test func aSymlinkIsWrittenThroughAndTheModeOfTheReplacedFileKept() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let corpus = try f.corpus()
        let target = try f.write("target.txt", "old\n")
        #expect(chmod(target, 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: f.path("link.txt"), withDestinationPath: "target.txt")
        let r = try CommandRunner.run(["normalize", corpus, "-o", f.path("link.txt")])
        #expect(r.status == 0, "\(r.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: f.path("link.txt"))
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
        #expect(f.contents("target.txt") == f.contents("corpus.txt"))
        let mode = (try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
    }

    @Test func aSpecialFileIsWrittenDirectlyNeverRenamedOver() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let corpus = try f.corpus()
        let fifo = f.path("pipe")
        #expect(mkfifo(fifo, 0o644) == 0)
        // A reader drains the FIFO while the command writes into it.
        let drained = DispatchSemaphore(value: 0)
        let received = LockedBytes()
        DispatchQueue.global().async {
            if let handle = FileHandle(forReadingAtPath: fifo) { received.set(handle.readDataToEndOfFile()) }
            drained.signal()
        }
        let r = try CommandRunner.run(["normalize", corpus, "-o", fifo], timeout: 60)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(drained.wait(timeout: .now() + 60) == .success)
        var st = stat()
        #expect(lstat(fifo, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO)
        #expect(received.get() == f.contents("corpus.txt"))
        // /dev/null stays the device it is.
        let null = try CommandRunner.run(["normalize", corpus, "-o", "/dev/null"])
        #expect(null.status == 0, "\(null.stderr)")
        #expect(stat("/dev/null", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR)
    }

    @Test func staleTemporaryFilesOfAKilledRunAreRemoved() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let corpus = try f.corpus()
        // What a run killed with SIGKILL leaves: a temporary file named after a process that no longer exists.
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let stale = try f.write(".out.txt.tmp-\(dead.processIdentifier)-AbC123", "half")
        let r = try CommandRunner.run(["normalize", corpus, "-o", f.path("out.txt")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale))
        let names = try FileManager.default.contentsOfDirectory(atPath: f.directory.path)
        #expect(!names.contains { $0.contains(".tmp-") }, "\(names)")
    }

    @Test func trainLMReplacesOnlyItsOwnRunsAndNeverSilently() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let shard = try f.shard(), tokenizer = try f.tokenizer()
        func train(_ output: String, _ extra: [String] = []) throws -> CommandRunner.Result {
            try CommandRunner.run(["train-lm", "--tokens", shard, "--tokenizer", tokenizer, "-o", output] + CLIFixture.tinyModel + extra)
        }
        // A user's directory and a user's file are errors naming them, and stay as they were.
        try FileManager.default.createDirectory(atPath: f.path("mine"), withIntermediateDirectories: true)
        try f.write("mine/notes.txt", "keep me\n")
        let intoDirectory = try train(f.path("mine"))
        #expect(intoDirectory.status != 0 && intoDirectory.status < 128)
        #expect(intoDirectory.stderr.contains(f.path("mine")) && intoDirectory.stderr.contains("not a Tessera"), "\(intoDirectory.stderr)")
        #expect(f.contents("mine/notes.txt") == Data("keep me\n".utf8))
        let file = try f.write("file.txt", "mine\n")
        let intoFile = try train(file)
        #expect(intoFile.status != 0 && intoFile.status < 128)
        #expect(f.contents("file.txt") == Data("mine\n".utf8))
        // A trained run is not replaced without --force, and --resume continues it.
        let run = try f.model()
        let weights = f.contents("run/model.safetensors")
        let again = try train(run)
        #expect(again.status != 0 && again.stderr.contains("--resume") && again.stderr.contains("--force"), "\(again.stderr)")
        #expect(f.contents("run/model.safetensors") == weights)
        let forced = try train(run, ["--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        // export never writes its layout over a training run (which could then no longer resume).
        let export = try CommandRunner.run(["export", "--model", run, "-o", run])
        #expect(export.status != 0 && export.status < 128)
        #expect(export.stderr.contains("language-model run"), "\(export.stderr)")
        let resumed = try train(run, ["--resume", "--steps", "3"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
    }

    @Test func aRunBeingWrittenIsLocked() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let run = try f.model()
        // Another writer holds the run's lock (the hidden `.run.lock` beside it).
        let fd = open(f.path(".run.lock"), O_CREAT | O_RDWR, 0o644)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        defer { close(fd) }
        let r = try CommandRunner.run(
            ["train-lm", "--tokens", try f.shard(), "--tokenizer", try f.tokenizer(), "-o", run, "--resume"] + CLIFixture.tinyModel)
        #expect(r.status != 0 && r.status < 128)
        #expect(r.stderr.contains("another tessera command is writing this run"), "\(r.stderr)")
    }

    @Test func anUnwritableOutputFailsBeforeTraining() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let r = try CommandRunner.run(["train-tokenizer", "--vocab-size", "300", "-o", f.path("missing/dir/t.json"), try f.corpus()])
        #expect(r.status != 0 && r.status < 128)
        #expect(r.stderr.contains("missing/dir") && r.stderr.contains("does not exist"), "\(r.stderr)")
        #expect(!r.stderr.contains("train-tokenizer:"), "counting started: \(r.stderr)")
    }
}
