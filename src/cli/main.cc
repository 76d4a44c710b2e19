#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/scan_child_command.h"
#include "cli/serve_command.h"
#include "common/logging.h"
#include "config/config.h"
#include "config/settings_docs.h"
#include "validation/isolation/isolated_scanner.h"

int main(int argc, char** argv) {
  CLI::App app{"mlops: the CreativeFlow MLOps service and its client"};
  app.set_version_flag("--version", MLOPS_VERSION);
  app.require_subcommand(1);

  mlops::cli::ServeFlags serve_flags;
  std::string host;
  int port = -1;
  CLI::App* serve = app.add_subcommand("serve", "Run the service");
  serve->add_option("--host", host, "Address to listen on (overrides SERVICE_HOST)");
  serve->add_option("--port", port, "Port to listen on, 0 for any (overrides SERVICE_PORT)")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--port-file", serve_flags.port_file,
                    "Write the bound port to this file once listening");
  serve->footer(mlops::SettingsHelp());

  CLI::App* migrate = app.add_subcommand("migrate", "Apply pending metadata migrations and exit");
  migrate->footer(mlops::SettingsHelp());

  // The documents of the settings table, printed without reading any configuration.
  CLI::App* config_docs = app.add_subcommand("config", "Print the settings as documents");
  config_docs->require_subcommand(1);
  CLI::App* env_example = config_docs->add_subcommand(
      "env-example", "Print a .env file with every setting commented out at its default");
  CLI::App* markdown =
      config_docs->add_subcommand("markdown", "Print the README's tables of settings");

  // Internal, hidden from --help: what the service runs for each isolated scan.
  std::string scan_type_name;
  CLI::App* scan_child = app.add_subcommand(mlops::validation::kScanChildCommand,
                                            "Run one scan of a subject read from stdin");
  scan_child->group("");
  scan_child->add_option("scan_type", scan_type_name, "The scan type")->required();

  CLI11_PARSE(app, argc, argv);
  if (*env_example) {
    std::cout << mlops::EnvExample();
    return 0;
  }
  if (*markdown) {
    std::cout << mlops::SettingsMarkdown();
    return 0;
  }

  auto config = mlops::LoadConfig(mlops::ReadEnvironment());
  if (!config.ok()) {
    std::cerr << "mlops: " << config.status().message() << "\n";
    return 2;
  }
  if (!mlops::InitLogging(config->log_level)) {
    std::cerr << "mlops: LOG_LEVEL must be trace, debug, info, warn, error or off\n";
    return 2;
  }
  if (!host.empty()) serve_flags.host = host;
  if (port >= 0) serve_flags.port = port;

  if (*serve) return mlops::cli::Serve(*config, serve_flags);
  if (*migrate) return mlops::cli::Migrate(*config);
  if (*scan_child) {
    const std::optional<mlops::ScanType> type = mlops::ParseEnum<mlops::ScanType>(scan_type_name);
    if (!type) {
      std::cerr << "mlops: unknown scan type '" << scan_type_name << "'\n";
      return 2;
    }
    return mlops::cli::ScanChild(*config, *type);
  }
  return 2;
}
