#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "runtime/tensor.h"

namespace mlops::validation {

// Outputs match when |actual - expected| <= atol + rtol * |expected| for every element of a
// floating-point output (NaN matches NaN); integer and bool outputs must be equal.
struct Tolerance {
  double atol = 1e-4;
  double rtol = 1e-3;
};

// Inputs to run and the outputs they must give, as a version declares them.
struct TestVector {
  std::vector<runtime::Tensor> inputs;
  std::vector<runtime::Tensor> expected_outputs;  // all or some of the model's outputs
};

struct TestVectorSet {
  std::vector<TestVector> vectors;
  Tolerance tolerance;
};

// Parses parameters.test_vectors (and parameters.test_vector_tolerance {"atol", "rtol"}):
//   [{"inputs": [tensor...], "outputs": [tensor...]}, ...]
// where a tensor is {"name", "dtype", "shape", and "data" (a flat row-major array of numbers or
// booleans) or "data_base64" (the little-endian bytes)}. Returns nullopt when the parameters
// declare none, InvalidArgument naming the offending field when they are malformed (an unknown
// dtype, data that does not fill the shape, ...), or when the tensors would exceed max_bytes.
StatusOr<std::optional<TestVectorSet>> ParseTestVectors(const nlohmann::json& parameters,
                                                        std::size_t max_bytes = 256u << 20);

// A vector's inputs in the order of `model_inputs`, matched by name. Returns InvalidArgument
// naming the first model input the vector lacks, or a vector input the model does not take.
StatusOr<std::vector<runtime::Tensor>> OrderInputs(const std::vector<runtime::TensorSpec>& inputs,
                                                   const std::vector<runtime::Tensor>& given);

// How one output compared.
struct OutputComparison {
  std::string name;
  bool matches = false;
  double max_abs_error = 0;  // over all elements; 0 for a type or shape mismatch
  std::string mismatch;      // the sentence saying why not, empty when it matches
};

// Compares each expected output with the run's output of the same name. A missing output, a
// different dtype or shape, or a value outside the tolerance is a mismatch, described with the
// first offending element ("output 'logits' element 17: expected 1.25, got 0.5 (|error| 0.75 >
// tolerance 0.00135)").
std::vector<OutputComparison> CompareOutputs(const std::vector<runtime::Tensor>& expected,
                                             const std::vector<runtime::Tensor>& actual,
                                             const Tolerance& tolerance);

}  // namespace mlops::validation
