import TensorOps

/// Saved activations and backward scratch of one `[B, T]` shape (allocated once per shape).
final class BertActivations {
    /// One block's saved values.
    final class Block {
        /// `[N, 3C]` projected q | k | v.
        let qkv: FloatBuffer
        /// `[B, NH, T, T]` attention probabilities.
        let att: FloatBuffer
        /// `[N, C]` attention output before and after the projection.
        let atty: FloatBuffer, proj: FloatBuffer
        /// `[N, C]` first residual sum; first layer norm (post: of `res1`; pre: of the input) with its statistics.
        let res1: FloatBuffer, ln1: FloatBuffer, ln1Mean: FloatBuffer, ln1Rstd: FloatBuffer
        /// `[N, F]` FFN hidden before and after the activation; `[N, C]` FFN output.
        let fch: FloatBuffer, fchAct: FloatBuffer, fc2: FloatBuffer
        /// `[N, C]` second residual sum; second layer norm with its statistics.
        let res2: FloatBuffer, ln2: FloatBuffer, ln2Mean: FloatBuffer, ln2Rstd: FloatBuffer

        init(B: Int, T: Int, C: Int, F: Int, NH: Int) {
            let N = B * T
            qkv = FloatBuffer(count: N * 3 * C); att = FloatBuffer(count: B * NH * T * T)
            atty = FloatBuffer(count: N * C); proj = FloatBuffer(count: N * C)
            res1 = FloatBuffer(count: N * C); ln1 = FloatBuffer(count: N * C); ln1Mean = FloatBuffer(count: N);
            ln1Rstd = FloatBuffer(count: N)
            fch = FloatBuffer(count: N * F); fchAct = FloatBuffer(count: N * F); fc2 = FloatBuffer(count: N * C)
            res2 = FloatBuffer(count: N * C); ln2 = FloatBuffer(count: N * C); ln2Mean = FloatBuffer(count: N);
            ln2Rstd = FloatBuffer(count: N)
        }
    }

    let batch: Int, time: Int
    /// `[N, C]` embedding sum and its layer norm.
    let embedded: FloatBuffer, embeddedNorm: FloatBuffer, embMean: FloatBuffer, embRstd: FloatBuffer
    let blocks: [Block]
    /// `[N, C]` final layer norm (pre-LN).
    let final: FloatBuffer, finalMean: FloatBuffer, finalRstd: FloatBuffer
    /// MLM head over up to `N` rows: gathered hidden, transform, its activation and norm, logits/probabilities.
    let headIn: FloatBuffer, transform: FloatBuffer, transformAct: FloatBuffer, transformNorm: FloatBuffer
    let transformMean: FloatBuffer, transformRstd: FloatBuffer
    let logits: FloatBuffer, probs: FloatBuffer, losses: FloatBuffer
    /// `[B, C]` `[CLS]` rows, pooler before/after tanh; NSP and class logits/probabilities.
    let clsRows: FloatBuffer, poolPre: FloatBuffer, pooled: FloatBuffer
    let nspLogits: FloatBuffer, nspProbs: FloatBuffer, classLogits: FloatBuffer, classProbs: FloatBuffer, smallLosses: FloatBuffer
    /// Backward scratch.
    let dHidden: FloatBuffer, dA: FloatBuffer, dB: FloatBuffer, dRes: FloatBuffer, dLn: FloatBuffer, dAtty: FloatBuffer
    let dqkv: FloatBuffer, dFch: FloatBuffer, dScores: FloatBuffer, dHead: FloatBuffer, dHead2: FloatBuffer, dPool: FloatBuffer,
        dPool2: FloatBuffer

    /// Rows of the MLM head in the last forward (`[B·T]` positions) and their targets.
    var headRows: [Int] = []
    var headTargets: [Int32] = []
    var lengths: [Int] = []
    var tokens: [Int32] = []
    var segments: [Int32] = []
    var nextSentenceLabels: [Int32]?
    var classLabels: [Int32]?
    /// The last hidden states `[N, C]` (points into a buffer above).
    var hidden: UnsafeMutablePointer<Float>?

    init(config c: BertConfig, batch B: Int, time T: Int) {
        batch = B; time = T
        let N = B * T, C = c.dim, F = c.ffnDim, V = c.vocabSize, K = max(c.classLabels.count, 2)
        embedded = FloatBuffer(count: N * C); embeddedNorm = FloatBuffer(count: N * C)
        embMean = FloatBuffer(count: N); embRstd = FloatBuffer(count: N)
        blocks = (0..<c.layers).map { _ in Block(B: B, T: T, C: C, F: F, NH: c.heads) }
        let pre = c.norm == .pre
        final = FloatBuffer(count: pre ? N * C : 1); finalMean = FloatBuffer(count: pre ? N : 1);
        finalRstd = FloatBuffer(count: pre ? N : 1)
        headIn = FloatBuffer(count: N * C); transform = FloatBuffer(count: N * C); transformAct = FloatBuffer(count: N * C)
        transformNorm = FloatBuffer(count: N * C); transformMean = FloatBuffer(count: N); transformRstd = FloatBuffer(count: N)
        logits = FloatBuffer(count: N * V); probs = FloatBuffer(count: N * V); losses = FloatBuffer(count: N)
        clsRows = FloatBuffer(count: B * C); poolPre = FloatBuffer(count: B * C); pooled = FloatBuffer(count: B * C)
        nspLogits = FloatBuffer(count: B * 2); nspProbs = FloatBuffer(count: B * 2)
        classLogits = FloatBuffer(count: B * K); classProbs = FloatBuffer(count: B * K); smallLosses = FloatBuffer(count: B)
        dHidden = FloatBuffer(count: N * C); dA = FloatBuffer(count: N * C); dB = FloatBuffer(count: N * C)
        dRes = FloatBuffer(count: N * C); dLn = FloatBuffer(count: N * C); dAtty = FloatBuffer(count: N * C)
        dqkv = FloatBuffer(count: N * 3 * C); dFch = FloatBuffer(count: N * F); dScores = FloatBuffer(count: B * c.heads * T * T)
        dHead = FloatBuffer(count: N * C); dHead2 = FloatBuffer(count: N * C); dPool = FloatBuffer(count: B * C);
        dPool2 = FloatBuffer(count: B * C)
    }
}
