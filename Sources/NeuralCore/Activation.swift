import CKernels

/// An elementwise non-linearity with its forward/backward pair.
///
/// GELU is the tanh approximation (GPT-2's `gelu_new`); ReLU is `max(0, x)`. Its raw value is the
/// name used in configuration files and on the command line.
public enum Activation: String, Codable, Sendable, CaseIterable {
    /// GELU, tanh approximation.
    case gelu
    /// `max(0, x)`.
    case relu

    /// `out = act(inp)` over `count` values, split across `threads`.
    public func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int, threads: Int = 1) {
        Chunked.run(count, threads: threads) { lo, hi in
            switch self {
            case .gelu: tk_gelu_forward(out + lo, inp + lo, Int64(hi - lo))
            case .relu: tk_relu_forward(out + lo, inp + lo, Int64(hi - lo))
            }
        }
    }

    /// `dinp = act'(inp) · dout` (overwrites; `dinp` may alias `dout`), split across `threads`.
    public func backward(
        dinp: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, dout: UnsafePointer<Float>, count: Int,
        threads: Int = 1
    ) {
        Chunked.run(count, threads: threads) { lo, hi in
            switch self {
            case .gelu: tk_gelu_backward(dinp + lo, inp + lo, dout + lo, Int64(hi - lo))
            case .relu: tk_relu_backward(dinp + lo, inp + lo, dout + lo, Int64(hi - lo))
            }
        }
    }
}
