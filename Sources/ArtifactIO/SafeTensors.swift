import Foundation

/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping tensor
/// names to `{"dtype", "shape", "data_offsets"}` (plus an optional `__metadata__` string map), then
/// the raw little-endian tensor bytes.
///
/// ```swift
/// var file = SafeTensors()
/// file.add("wte", shape: [257, 128], floats: table)
/// try file.write(to: "model.safetensors")
/// let back = try SafeTensors.read("model.safetensors")
/// let wte = try back.floats("wte", shape: [257, 128])
/// ```
public struct SafeTensors: Sendable {
    /// Element types this implementation reads and writes.
    public enum DType: String, Sendable {
        case f32 = "F32"
        case f16 = "F16"
        case bf16 = "BF16"
        case i32 = "I32"
        case i64 = "I64"
        /// Bytes per element.
        public var size: Int {
            switch self {
            case .f32, .i32: return 4
            case .f16, .bf16: return 2
            case .i64: return 8
            }
        }
    }

    /// One tensor: its type, shape and raw little-endian bytes.
    public struct Tensor: Sendable {
        /// Element type.
        public var dtype: DType
        /// Shape (row-major).
        public var shape: [Int]
        /// Raw bytes (`shape.product * dtype.size`).
        public var bytes: [UInt8]
        /// Number of elements.
        public var count: Int { shape.reduce(1, *) }
    }

    /// Tensors in the order they are written.
    public private(set) var names: [String] = []
    /// Tensors by name.
    public private(set) var tensors: [String: Tensor] = [:]
    /// The `__metadata__` string map.
    public var metadata: [String: String] = [:]
    /// Where the file was read from (for error messages).
    public var path: String = "<memory>"

    /// An empty file.
    public init() {}

    // MARK: Building

    /// Adds (or replaces) a tensor from raw bytes.
    public mutating func add(_ name: String, dtype: DType, shape: [Int], bytes: [UInt8]) {
        precondition(bytes.count == shape.reduce(1, *) * dtype.size, "safetensors: byte count does not match shape")
        if tensors[name] == nil { names.append(name) }
        tensors[name] = Tensor(dtype: dtype, shape: shape, bytes: bytes)
    }

    /// Adds an F32 tensor from `count` floats at `pointer`.
    public mutating func add(_ name: String, shape: [Int], pointer: UnsafePointer<Float>) {
        let count = shape.reduce(1, *)
        let bytes = [UInt8](UnsafeRawBufferPointer(start: pointer, count: count * 4))
        add(name, dtype: .f32, shape: shape, bytes: bytes)
    }

    /// Adds an F32 tensor from an array.
    public mutating func add(_ name: String, shape: [Int], floats: [Float]) {
        floats.withUnsafeBufferPointer { add(name, shape: shape, pointer: $0.baseAddress ?? UnsafePointer(bitPattern: 16)!) }
    }

    /// Adds an I32 tensor.
    public mutating func add(_ name: String, shape: [Int], int32s: [Int32]) {
        let bytes = int32s.withUnsafeBytes { [UInt8]($0) }
        add(name, dtype: .i32, shape: shape, bytes: bytes)
    }

    // MARK: Reading values

    /// The tensor `name`, or an error naming the file.
    public func tensor(_ name: String) throws -> Tensor {
        guard let t = tensors[name] else { throw SafeTensorsError.missingTensor(path: path, tensor: name) }
        return t
    }

    /// The tensor `name` converted to floats (F32, F16, BF16, I32 and I64 are converted).
    public func floats(_ name: String, shape: [Int]? = nil) throws -> [Float] {
        let t = try tensor(name)
        if let shape, shape != t.shape { throw SafeTensorsError.shapeMismatch(path: path, tensor: name, expected: shape, found: t.shape) }
        return t.bytes.withUnsafeBytes { raw -> [Float] in
            switch t.dtype {
            case .f32: return (0..<t.count).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
            case .f16: return (0..<t.count).map { SafeTensors.halfToFloat(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) }
            case .bf16:
                return (0..<t.count).map { Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) << 16) }
            case .i32: return (0..<t.count).map { Float(raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
            case .i64: return (0..<t.count).map { Float(raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
            }
        }
    }

    /// Copies the tensor `name` (converted to float) into `count` floats at `pointer`; its element count must match.
    public func copyFloats(_ name: String, shape: [Int], into pointer: UnsafeMutablePointer<Float>) throws {
        let values = try floats(name, shape: shape)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    /// The tensor `name` as integers (I32 or I64).
    public func ints(_ name: String) throws -> [Int] {
        let t = try tensor(name)
        return try t.bytes.withUnsafeBytes { raw -> [Int] in
            switch t.dtype {
            case .i32: return (0..<t.count).map { Int(raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
            case .i64: return (0..<t.count).map { Int(raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
            default: throw SafeTensorsError.unsupportedDType(path: path, tensor: name, dtype: t.dtype.rawValue + " (integer expected)")
            }
        }
    }

    // MARK: Conversions

    /// IEEE half to float.
    public static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exp = Int((h >> 10) & 0x1F)
        let mant = UInt32(h & 0x3FF)
        if exp == 0 {
            let value = Float(mant) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -value : value
        }
        if exp == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mant << 13)) }
        return Float(bitPattern: sign | (UInt32(exp - 15 + 127) << 23) | (mant << 13))
    }

    // MARK: Serialization

    /// The file's bytes.
    public func serialize() -> [UInt8] {
        var header = "{"
        var offset = 0
        var parts: [String] = []
        if !metadata.isEmpty {
            let items = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(items.joined(separator: ","))}")
        }
        for name in names {
            let t = tensors[name]!
            let end = offset + t.bytes.count
            parts.append(
                "\(jsonString(name)):{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}"
            )
            offset = end
        }
        header += parts.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + headerBytes.count + offset)
        var n = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        for name in names { out.append(contentsOf: tensors[name]!.bytes) }
        return out
    }

    /// Writes the file atomically (temporary file beside it, then rename).
    public func write(to path: String) throws {
        try AtomicFileWriter.write(serialize(), to: path)
    }

    private func jsonString(_ s: String) -> String { JSONText.string(s) }

    // MARK: Parsing

    /// Reads and validates a safetensors file.
    public static func read(_ path: String) throws -> SafeTensors {
        guard FileManager.default.fileExists(atPath: path) else { throw SafeTensorsError.unreadable(path: path, detail: "no such file") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw SafeTensorsError.unreadable(path: path, detail: "\(error.localizedDescription)")
        }
        return try data.withUnsafeBytes { try parse(UnsafeRawBufferPointer($0), path: path) }
    }

    /// Parses safetensors bytes; `path` names the source in errors.
    public static func parse(_ raw: UnsafeRawBufferPointer, path: String) throws -> SafeTensors {
        guard raw.count >= 8 else {
            throw SafeTensorsError.truncated(path: path, detail: "\(raw.count) bytes, expected at least 8 (header length)")
        }
        let headerLength = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(raw.count - 8) else {
            throw SafeTensorsError.truncated(
                path: path, detail: "header length \(headerLength) at byte 0 exceeds the \(raw.count - 8) bytes after it")
        }
        let headerBytes = [UInt8](raw[8..<(8 + Int(headerLength))])
        let header: [(key: String, value: JSONValue)]
        do {
            guard let pairs = try JSONReader.parse(headerBytes).pairs else {
                throw SafeTensorsError.badHeader(path: path, detail: "bytes 8..<\(8 + headerLength) are not a JSON object")
            }
            header = pairs
        } catch let error as JSONReader.SyntaxError {
            throw SafeTensorsError.badHeader(path: path, detail: "\(error) (at byte \(8 + error.offset) of the file)")
        }
        let dataStart = 8 + Int(headerLength)
        let dataCount = raw.count - dataStart
        var file = SafeTensors()
        file.path = path
        var entries: [(name: String, begin: Int, tensor: Tensor)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let members = value.pairs else {
                    throw SafeTensorsError.badHeader(path: path, detail: "__metadata__ is not a string map")
                }
                for (key, item) in members {
                    guard let text = item.string else {
                        throw SafeTensorsError.badHeader(path: path, detail: "__metadata__ is not a string map")
                    }
                    file.metadata[key] = text
                }
                continue
            }
            guard let dtypeName = value["dtype"]?.string, let shapeValues = value["shape"]?.array,
                let offsetValues = value["data_offsets"]?.array, offsetValues.count == 2
            else {
                throw SafeTensorsError.badHeader(path: path, detail: "entry '\(name)' needs dtype, shape and data_offsets [begin, end]")
            }
            // Whole numbers only (a shape of 2266.5 is not truncated to 2266).
            let shape = shapeValues.compactMap(\.int)
            let offs = offsetValues.compactMap(\.int)
            guard shape.count == shapeValues.count, offs.count == 2, shape.allSatisfy({ $0 >= 0 }) else {
                throw SafeTensorsError.badHeader(path: path, detail: "entry '\(name)' has a non-integer shape or offsets")
            }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw SafeTensorsError.unsupportedDType(path: path, tensor: name, dtype: dtypeName)
            }
            // Checked arithmetic: a shape whose element count overflows is an error, not a trap.
            var count = 1
            for d in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, product <= raw.count else {
                    throw SafeTensorsError.badHeader(
                        path: path, detail: "entry '\(name)' shape \(shape) has more elements than the file's \(raw.count) bytes can hold")
                }
                count = product
            }
            let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.size)
            guard !overflow, offs[0] >= 0, offs[1] >= offs[0], offs[1] - offs[0] == byteCount else {
                throw SafeTensorsError.badHeader(
                    path: path, detail: "entry '\(name)' data_offsets \(offs) do not hold \(count) × \(dtype.rawValue)")
            }
            guard offs[1] <= dataCount else {
                throw SafeTensorsError.truncated(
                    path: path, detail: "tensor '\(name)' ends at data byte \(offs[1]) but the file has \(dataCount) data bytes")
            }
            let bytes = [UInt8](raw[(dataStart + offs[0])..<(dataStart + offs[1])])
            entries.append((name, offs[0], Tensor(dtype: dtype, shape: shape, bytes: bytes)))
        }
        // The tensors tile the data area exactly: no overlap, no gap, no trailing bytes.
        var expectedBegin = 0
        for e in entries.sorted(by: { $0.begin < $1.begin }) {
            guard e.begin == expectedBegin else {
                throw SafeTensorsError.badHeader(
                    path: path,
                    detail: e.begin < expectedBegin
                        ? "tensor '\(e.name)' at data byte \(e.begin) overlaps the tensor before it (which ends at \(expectedBegin))"
                        : "data bytes \(expectedBegin)..<\(e.begin) belong to no tensor")
            }
            expectedBegin += e.tensor.bytes.count
        }
        guard expectedBegin == dataCount else {
            throw SafeTensorsError.badHeader(
                path: path,
                detail:
                    "\(dataCount - expectedBegin) trailing bytes after the last tensor (data ends at byte \(expectedBegin) of \(dataCount))"
            )
        }
        for e in entries.sorted(by: { $0.begin < $1.begin }) {
            file.add(e.name, dtype: e.tensor.dtype, shape: e.tensor.shape, bytes: e.tensor.bytes)
        }
        return file
    }
}
