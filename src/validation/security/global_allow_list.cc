#include "validation/security/global_allow_list.h"

#include <utility>

namespace mlops::validation::security {
namespace {

// Each entry only builds data: it cannot import modules, run commands or touch files.
constexpr std::pair<std::string_view, std::string_view> kDefaultGlobals[] = {
    // torch.save of tensors, parameters and state dicts (torch/_utils.py, torch/serialization.py).
    {"collections", "OrderedDict"},
    {"torch._utils", "_rebuild_tensor_v2"},
    {"torch._utils", "_rebuild_parameter"},
    {"torch", "Size"},
    // Typed storages, named by the persistent ids of tensor data (torch/storage.py).
    {"torch", "FloatStorage"},
    {"torch", "DoubleStorage"},
    {"torch", "HalfStorage"},
    {"torch", "BFloat16Storage"},
    {"torch", "LongStorage"},
    {"torch", "IntStorage"},
    {"torch", "ShortStorage"},
    {"torch", "CharStorage"},
    {"torch", "ByteStorage"},
    {"torch", "BoolStorage"},
    {"torch", "ComplexFloatStorage"},
    {"torch", "ComplexDoubleStorage"},
    // TorchScript's debug_pkl files: list constructors of the TorchScript unpickler
    // (torch/jit/_pickle.py), each returning its argument.
    {"torch.jit._pickle", "build_intlist"},
    {"torch.jit._pickle", "build_doublelist"},
    {"torch.jit._pickle", "build_boollist"},
    {"torch.jit._pickle", "build_tensorlist"},
    // TorchScript's typed List and Dict attributes: restore_type_tag(value, "List[int]") only
    // records the element type string on the container it returns.
    {"torch.jit._pickle", "restore_type_tag"},
    // numpy arrays and scalars pickled by value (numpy/core/multiarray.py; numpy 2 renamed
    // numpy.core to numpy._core). Object arrays are not a way around the list: their elements
    // are pickles of their own, scanned with the same rules.
    {"numpy.core.multiarray", "_reconstruct"},
    {"numpy.core.multiarray", "scalar"},
    {"numpy._core.multiarray", "_reconstruct"},
    {"numpy._core.multiarray", "scalar"},
    // Protocol 5 pickles of arrays rebuild them from a buffer (numpy/core/numeric.py).
    {"numpy.core.numeric", "_frombuffer"},
    {"numpy._core.numeric", "_frombuffer"},
    {"numpy", "ndarray"},
    {"numpy", "dtype"},
    // Protocol 2 pickles of bytes (numpy array data among them) go through _codecs.encode(str,
    // 'latin1'), which only converts a string to bytes.
    {"_codecs", "encode"},
    // Protocols 0-3 have no opcodes for these plain data types and call their constructors.
    {"builtins", "set"},
    {"builtins", "frozenset"},
    {"builtins", "bytearray"},
    {"builtins", "complex"},
};

// TorchScript archives name their module classes "__torch__.<qualified name>". Only TorchScript's
// own unpickler resolves them, against the classes compiled from the archive's code/; Python's
// pickle cannot import a module called __torch__.
bool IsTorchScriptClass(std::string_view module) {
  constexpr std::string_view kPrefix = "__torch__";
  return module == kPrefix || (module.starts_with(kPrefix) && module.size() > kPrefix.size() &&
                               module[kPrefix.size()] == '.');
}

}  // namespace

GlobalAllowList GlobalAllowList::Default() {
  GlobalAllowList list;
  for (const auto& [module, name] : kDefaultGlobals) {
    list.entries_.insert(Key(module, name));
  }
  return list;
}

Status GlobalAllowList::Add(std::string_view dotted_name) {
  const std::size_t dot = dotted_name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == dotted_name.size()) {
    return InvalidArgument("allowed global \"" + std::string(dotted_name) +
                           "\" is not of the form module.name");
  }
  entries_.insert(Key(dotted_name.substr(0, dot), dotted_name.substr(dot + 1)));
  return OkStatus();
}

bool GlobalAllowList::Allows(std::string_view module, std::string_view name) const {
  if (IsTorchScriptClass(module)) return true;
  return entries_.contains(Key(module, name));
}

std::string GlobalAllowList::Key(std::string_view module, std::string_view name) {
  std::string key(module);
  key.push_back('\0');
  key.append(name);
  return key;
}

}  // namespace mlops::validation::security
