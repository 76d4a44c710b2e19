#pragma once

#include <string_view>

#include "common/status.h"
#include "validation/security/byte_source.h"
#include "validation/security/finding.h"

namespace mlops::validation::security {

// Walks an ONNX ModelProto in protobuf wire format, without libonnx, and records a finding for
// every tensor whose external data location is absolute or leaves the model's directory.
// Tensors are found wherever ONNX allows them: graph initializers (dense and sparse), tensor
// attributes of nodes, subgraphs of control-flow nodes, training graphs and functions.
//
// Hand-written rather than libonnx: every length and nesting level is bounds-checked against the
// file, nothing but the external-data strings is read into memory (tensor bytes are skipped in
// place, so models beyond protobuf's 2 GiB message limit work), and a hostile file cannot crash
// or exhaust the scanner. A file that is not valid wire format is a kMalformedOnnx finding, and
// so is, strictly, a ModelProto field that ONNX does not define or of the wrong wire type (bytes
// a pickle or another format could hide in: protobuf readers skip unknown fields).
//
// Returns whether the bytes are a ModelProto with a graph (the findings, if any, recorded);
// Internal when the file cannot be read.
StatusOr<bool> ScanOnnxModel(ByteSource& source, FindingSink& findings);

// True when `location`, taken relative to the model's directory, stays inside it: not absolute
// (POSIX or Windows), not empty, and no `..` climbing above the start. Exposed for tests.
bool ExternalDataLocationStaysInside(std::string_view location);

}  // namespace mlops::validation::security
