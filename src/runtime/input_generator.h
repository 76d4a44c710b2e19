#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/status.h"
#include "runtime/tensor.h"

namespace mlops::runtime {

struct InputGenerationOptions {
  // The size given to each dynamic dimension.
  std::int64_t dynamic_dim_size = 1;
  // Same seed, same values: runs are reproducible.
  std::uint64_t seed = 42;
  // The total bytes of generated inputs a model may ask for: declared shapes are the uploader's
  // to choose, and must not make the service allocate without bound.
  std::size_t max_total_bytes = 64u << 20;
};

// Generates one tensor per spec with deterministic pseudo-random values: floats in [0, 1),
// integers in [0, 10) (small enough to be valid indices), bools 0 or 1; float16 and bfloat16
// from the same floats. Returns InvalidArgument when a spec has no known shape or type or the
// inputs would exceed max_total_bytes, NotImplemented for string inputs.
StatusOr<std::vector<Tensor>> GenerateInputs(const std::vector<TensorSpec>& specs,
                                             const InputGenerationOptions& options);

}  // namespace mlops::runtime
