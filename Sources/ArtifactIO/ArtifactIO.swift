// ArtifactIO: the bottom support module every stage shares. It depends on no other Tessera module.
//
// - ``AtomicFileWriter``: every output is written to a temporary file beside its target and renamed
//   into place, so a failed run never leaves half a file.
// - ``FileContents``: whole-file reads and the readability check run on inputs before any work;
//   ``FileError`` names the path.
// - ``ParallelFor``: one parallel-for over `0..<count` with a thread cap.
// - ``TokenShard``: llm.c `.bin` token files.
// - ``SafeTensors``: the safetensors format (F32/F16/BF16/I32/I64).
// - ``JSONValue``, ``JSONReader``, ``JSONText``: one JSON value type (objects keep their key order),
//   a reader whose errors give the byte offset, and a writer.
