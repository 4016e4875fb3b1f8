import ArtifactIO
import Tokenization

/// The skip-gram training stream read in place from a memory-mapped token shard: the same
/// sentences, in the same order, as ``TokenCorpusBuilder/build(ids:bytesPerToken:path:)`` puts in
/// memory (special tokens end a sentence and are skipped, rare ids are dropped, a sentence is cut
/// every `maxSentenceLength` kept ids), without holding them — memory is a few bytes per
/// vocabulary id and a few per job of ``wordsPerJob`` words, whatever the shard's length.
public struct ShardSentenceStream: Sendable {
    /// How the trainer treats an id.
    enum Role: UInt8 {
        case drop = 0
        case keep = 1
        case sentenceBreak = 2
    }

    /// The mapped shard.
    public let shard: MappedTokenShard
    /// Longest sentence, in kept ids.
    public let maxSentenceLength: Int
    /// Number of kept ids (the training words of one epoch).
    public let words: Int
    /// Number of sentences.
    public let sentenceCount: Int
    /// Words per job (the unit a thread takes at a time): the trainer's in-memory rule.
    public static let wordsPerJob = 10_000
    /// Ids read between two releases of the pages read (a power of two).
    static let releaseEvery = 1 << 22
    /// Bytes the kernel may map around a page fault (Linux's fault-around window, 64 KiB), doubled.
    static let faultAroundBytes = 1 << 17
    /// The role of each id (by id).
    let roles: [UInt8]
    /// Job `j` reads shard positions `jobStarts[j] ..< jobStarts[j + 1]`; each starts a sentence.
    let jobStarts: [Int]

    /// Scans `shard` once: sentence and job boundaries. `counts[id] > 0` keeps an id; `special`
    /// ids end sentences.
    init(shard: MappedTokenShard, counts: [Int], special: [Bool], maxSentenceLength: Int) {
        var roles = [UInt8](repeating: Role.drop.rawValue, count: counts.count)
        for id in counts.indices {
            if special[id] { roles[id] = Role.sentenceBreak.rawValue } else if counts[id] > 0 { roles[id] = Role.keep.rawValue }
        }
        // Jobs as SkipGramTrainer.jobs cuts in-memory sentences: a job starts at a sentence
        // start at least wordsPerJob words after the previous job's start.
        var jobStarts = [0]
        var words = 0, sentences = 0, length = 0, jobBegin = 0
        for i in 0..<shard.count {
            if i & (ShardSentenceStream.releaseEvery - 1) == 0 && i > 0 { shard.release((i - ShardSentenceStream.releaseEvery)..<i) }
            let role = roles[Int(shard[i])]
            if role == Role.sentenceBreak.rawValue {
                if length > 0 { length = 0 }
                continue
            }
            if role == Role.drop.rawValue { continue }
            if length == 0 {
                if sentences > 0 && words - jobBegin >= ShardSentenceStream.wordsPerJob {
                    jobStarts.append(i)
                    jobBegin = words
                }
                sentences += 1
            }
            words += 1
            length += 1
            if length == maxSentenceLength { length = 0 }
        }
        jobStarts.append(shard.count)
        shard.release(0..<shard.count)
        self.shard = shard
        self.maxSentenceLength = maxSentenceLength
        self.words = words
        self.sentenceCount = sentences
        self.roles = roles
        self.jobStarts = jobStarts
    }

    /// Number of jobs.
    var jobCount: Int { jobStarts.count - 1 }

    /// Calls `body` with each sentence of job `job`, in order (a buffer of `maxSentenceLength` ids).
    @inline(__always)
    func forEachSentence(job: Int, buffer: UnsafeMutablePointer<Int32>, _ body: (UnsafePointer<Int32>, Int) -> Void) {
        var length = 0
        roles.withUnsafeBufferPointer { roles in
            for i in jobStarts[job]..<jobStarts[job + 1] {
                let id = shard[i]
                let role = roles[Int(id)]
                if role == Role.keep.rawValue {
                    buffer[length] = Int32(bitPattern: id)
                    length += 1
                    if length == maxSentenceLength {
                        body(buffer, length)
                        length = 0
                    }
                } else if role == Role.sentenceBreak.rawValue && length > 0 {
                    body(buffer, length)
                    length = 0
                }
            }
        }
        if length > 0 { body(buffer, length) }
        // The job's pages are done with: keep resident memory bounded by the jobs in flight. The
        // kernel maps pages around a faulting one (64 KiB windows), so some before this job's
        // start were mapped again after their own job released them: release those too.
        let behind = ShardSentenceStream.faultAroundBytes / shard.bytesPerToken
        shard.release(max(0, jobStarts[job] - behind)..<jobStarts[job + 1])
        // Now and then everything before this job (large folios map more than a window).
        if job % 64 == 0 { shard.release(0..<max(0, jobStarts[job] - behind)) }
    }
}
