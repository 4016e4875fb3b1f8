import CKernels
import NeuralCore

/// The FFN non-linearity of a BERT model. Raw values are Hugging Face's `hidden_act` names.
public enum BertActivation: String, Codable, Sendable, CaseIterable {
    /// Exact GELU, `0.5·x·(1 + erf(x/√2))` (BERT).
    case gelu
    /// GELU, tanh approximation (GPT-2).
    case geluTanh = "gelu_new"
    /// `max(0, x)`.
    case relu

    /// `out = act(inp)` over `count` values, split across `threads`.
    public func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int, threads: Int = 1) {
        switch self {
        case .gelu: Chunked.run(count, threads: threads) { lo, hi in tk_gelu_erf_forward(out + lo, inp + lo, Int64(hi - lo)) }
        case .geluTanh: Activation.gelu.forward(out: out, inp: inp, count: count, threads: threads)
        case .relu: Activation.relu.forward(out: out, inp: inp, count: count, threads: threads)
        }
    }

    /// `dinp = act'(inp) · dout` (overwrites; `dinp` may alias `dout`), split across `threads`.
    public func backward(
        dinp: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, dout: UnsafePointer<Float>, count: Int, threads: Int = 1
    ) {
        switch self {
        case .gelu: Chunked.run(count, threads: threads) { lo, hi in tk_gelu_erf_backward(dinp + lo, inp + lo, dout + lo, Int64(hi - lo)) }
        case .geluTanh: Activation.gelu.backward(dinp: dinp, inp: inp, dout: dout, count: count, threads: threads)
        case .relu: Activation.relu.backward(dinp: dinp, inp: inp, dout: dout, count: count, threads: threads)
        }
    }
}
