#include "config/settings_docs.h"

#include <span>
#include <sstream>
#include <string_view>

#include "config/settings.h"

namespace mlops {
namespace {

// Aliases and the secret's file, as a sentence ("" when there are none); `quote` marks names.
std::string AlsoReadFrom(const Setting& s, std::string_view quote) {
  std::string out;
  auto name = [&](std::string_view n) {
    return std::string(quote) + std::string(n) + std::string(quote);
  };
  if (!s.aliases.empty()) {
    out += "Aliases: ";
    for (std::size_t i = 0; i < s.aliases.size(); ++i) {
      out += (i == 0 ? "" : ", ") + name(s.aliases[i]);
    }
    out += ".";
  }
  if (s.secret) {
    if (!out.empty()) out += " ";
    out += "Secret: never shown; may be read instead from the file named by " +
           name(std::string(s.name) + "_FILE") + ".";
  }
  return out;
}

template <typename Write>
void ForEachGroup(Write write) {
  const std::vector<Setting>& settings = Settings();
  for (std::size_t i = 0; i < settings.size();) {
    std::size_t end = i;
    while (end < settings.size() && settings[end].group == settings[i].group) ++end;
    write(settings[i].group, std::span(settings.begin() + i, settings.begin() + end));
    i = end;
  }
}

}  // namespace

std::string SettingsHelp() {
  std::ostringstream out;
  out << "\nConfiguration: environment variables, or a .env file in the working directory.\n"
         "Byte counts take an integer or a binary unit (16MiB, 50GiB).\n";
  ForEachGroup([&out](SettingGroup group, std::span<const Setting> settings) {
    out << "\n" << SettingGroupTitle(group) << ":\n";
    for (const Setting& s : settings) {
      out << "  " << s.name << " (default " << s.default_value << ")" << (s.secret ? " secret" : "")
          << "\n      " << s.meaning << "\n      Accepts " << s.parser.accepts << ".";
      if (const std::string also = AlsoReadFrom(s, ""); !also.empty()) out << " " << also;
      out << "\n";
    }
  });
  return out.str();
}

}  // namespace mlops
