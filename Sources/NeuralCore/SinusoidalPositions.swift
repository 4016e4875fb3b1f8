import Foundation
import TensorOps

/// Fixed sinusoidal positions (Vaswani et al. §3.5).
public enum SinusoidalPositions {
    /// The table `PE[pos, 2i] = sin(pos / 10000^(2i/C))`, `PE[pos, 2i+1] = cos(…)`, `[T, C]`.
    public static func table(context T: Int, dim C: Int) -> FloatBuffer {
        let table = FloatBuffer(count: T * C)
        for pos in 0..<T {
            for i in stride(from: 0, to: C, by: 2) {
                let angle = Double(pos) / pow(10000, Double(i) / Double(C))
                table.pointer[pos * C + i] = Float(sin(angle))
                if i + 1 < C { table.pointer[pos * C + i + 1] = Float(cos(angle)) }
            }
        }
        return table
    }
}
