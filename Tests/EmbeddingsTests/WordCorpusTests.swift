import ArtifactIO
import Embeddings
import Foundation
import Testing
import TextNormalization

/// Word-level corpora: normalization, splitting, counting, the word dump.
@Suite struct WordCorpusTests {
    @Test func splitsLowercasesAndDropsPunctuation() throws {
        let text = "Don't stop, Lord's STOP!\n\n“Ｌｏｒｄ” — stop stop\n"
        let corpus = try WordCorpusBuilder(minCount: 1).build(text: text)
        // Rows by descending count, ties in first-seen order.
        #expect(corpus.tokens == ["stop", "lord", "don", "t", "s"])
        #expect(corpus.counts == [4, 2, 1, 1, 1])
        let words = corpus.ids.map { corpus.tokens[Int($0)] }
        #expect(words == ["don", "t", "stop", "lord", "s", "stop", "lord", "stop", "stop"])
        #expect(corpus.sentenceStarts == [0, 6, 9])
    }

    @Test func minCountDropsRareWordsFromSentences() throws {
        let corpus = try WordCorpusBuilder(minCount: 2).build(text: "a b c a\nb d\nd c\nz\n")
        #expect(corpus.tokens == ["a", "b", "c", "d"])
        #expect(corpus.ids.map { corpus.tokens[Int($0)] } == ["a", "b", "c", "a", "b", "d", "d", "c"])
        #expect(corpus.sentenceStarts == [0, 4, 6, 8])
        #expect(throws: EmbeddingsError.self) { try WordCorpusBuilder(minCount: 5).build(text: "a b c\n") }
    }

    @Test func dumpIsTheWordStreamAndRebuildsTheSameCorpus() throws {
        let dir = try TestSupport.temporaryDirectory()
        try "It's a Test, a TEST.\n\nSecond line; here!\n".write(toFile: dir + "/in.txt", atomically: true, encoding: .utf8)
        let dump = try AtomicFileWriter(path: dir + "/words.txt")
        let corpus = try WordCorpusBuilder(minCount: 1).build(files: [dir + "/in.txt"], dump: dump)
        try dump.commit()
        let dumped = try String(contentsOfFile: dir + "/words.txt", encoding: .utf8)
        #expect(dumped == "it s a test a test\nsecond line here\n")
        let again = try WordCorpusBuilder(minCount: 1).build(files: [dir + "/words.txt"])
        #expect(again.tokens == corpus.tokens)
        #expect(again.ids == corpus.ids)
        #expect(again.sentenceStarts == corpus.sentenceStarts)
    }

    @Test func badTextIsReportedWithItsOffset() throws {
        let dir = try TestSupport.temporaryDirectory()
        try Data([0x61, 0x62, 0x20, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: dir + "/bad.txt"))
        #expect(throws: TextInputError.invalidUTF8(path: dir + "/bad.txt", offset: 3)) {
            try WordCorpusBuilder(minCount: 1).build(files: [dir + "/bad.txt"])
        }
        #expect(throws: FileError.missingFile(path: dir + "/none.txt")) {
            try WordCorpusBuilder(minCount: 1).build(files: [dir + "/none.txt"])
        }
    }
}
