#pragma once

#include <optional>
#include <string>

#include "config/config.h"

namespace mlops::cli {

struct ServeFlags {
  std::optional<std::string> host;
  std::optional<int> port;
  std::string port_file;  // if set, the bound port is written there once listening
};

// `mlops serve`: opens the stores, migrates, and serves until SIGTERM. Returns the exit code.
int Serve(const Config& config, const ServeFlags& flags);

// `mlops migrate`: applies pending metadata migrations and exits. Returns the exit code.
int Migrate(const Config& config);

}  // namespace mlops::cli
