#!/usr/bin/env python3
"""Regenerates Sources/Tokenization/SentencePiece/SentencePieceModel.pb.swift from the
`sentencepiece_model.proto` descriptor that the `sentencepiece` Python package (0.2.x) carries,
with protoc and swift-protobuf's protoc-gen-swift (1.39):

  python3 make_sentencepiece_swift.py /path/to/protoc-gen-swift
"""
import os, subprocess, sys, tempfile
from google.protobuf import descriptor_pb2
from sentencepiece import sentencepiece_model_pb2

plugin = sys.argv[1]
root = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))
with tempfile.TemporaryDirectory() as tmp:
    fd = descriptor_pb2.FileDescriptorProto.FromString(sentencepiece_model_pb2.DESCRIPTOR.serialized_pb)
    with open(os.path.join(tmp, "spm.pb"), "wb") as f:
        f.write(descriptor_pb2.FileDescriptorSet(file=[fd]).SerializeToString())
    subprocess.check_call(["protoc", f"--descriptor_set_in={tmp}/spm.pb", f"--plugin=protoc-gen-swift={plugin}",
                           "--swift_opt=Visibility=Package", f"--swift_out={tmp}", "sentencepiece_model.proto"])
    os.replace(os.path.join(tmp, "sentencepiece_model.pb.swift"),
               os.path.join(root, "Sources/Tokenization/SentencePiece/SentencePieceModel.pb.swift"))
