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

// `text` as comment lines of at most 100 columns, each starting with "# ".
void WriteComment(std::ostringstream& out, std::string_view text) {
  std::string line = "#";
  std::istringstream words{std::string(text)};
  for (std::string word; words >> word;) {
    if (line.size() > 1 && line.size() + 1 + word.size() > 100) {
      out << line << "\n";
      line = "#";
    }
    line += " " + word;
  }
  out << line << "\n";
}

// A Markdown table cell: '|' escaped, and '<', '>' outside code spans (they would be HTML).
std::string Cell(std::string_view text) {
  std::string out;
  bool code = false;
  for (char ch : text) {
    if (ch == '`') code = !code;
    if (ch == '|') {
      out += "\\|";
    } else if (!code && ch == '<') {
      out += "&lt;";
    } else if (!code && ch == '>') {
      out += "&gt;";
    } else {
      out += ch;
    }
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
  out << "\nConfiguration: environment variables, or a .env file in the working directory\n"
         "(`mlops config env-example` prints one with every setting at its default). Byte counts\n"
         "take an integer or a binary unit (16MiB, 50GiB).\n";
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

std::string EnvExample() {
  std::ostringstream out;
  WriteComment(out,
               "Settings of `mlops serve` and `mlops migrate`, each at its default. Copy this file "
               "to .env in the working directory and uncomment what you change; variables set in "
               "the environment win over the file. A secret may instead be read from the file "
               "named by <NAME>_FILE (its content, one trailing newline stripped); setting both "
               "is an error. Byte counts take an integer or a binary unit (16MiB, 50GiB).");
  WriteComment(out,
               "Generated from src/config/settings.cc by `make settings-docs` (`mlops config "
               "env-example`): do not edit by hand.");
  ForEachGroup([&out](SettingGroup group, std::span<const Setting> settings) {
    out << "\n# ---- " << SettingGroupTitle(group) << " ----\n";
    for (const Setting& s : settings) {
      out << "\n";
      WriteComment(out, s.meaning);
      std::string about = "Accepts " + s.parser.accepts + ".";
      if (const std::string also = AlsoReadFrom(s, ""); !also.empty()) about += " " + also;
      // A described default cannot be written as a value: the line is left empty.
      if (!s.DefaultIsLiteral() && s.default_value != "(unset)")
        about += " Default: " + std::string(s.default_value) + ".";
      WriteComment(out, about);
      out << "#" << s.name << "=" << (s.DefaultIsLiteral() ? s.default_value : "") << "\n";
    }
  });
  return out.str();
}

std::string SettingsMarkdown() {
  std::ostringstream out;
  out << kMarkdownBegin << "\n";
  ForEachGroup([&out](SettingGroup group, std::span<const Setting> settings) {
    out << "\n**" << SettingGroupTitle(group) << "**\n\n"
        << "| variable | default | accepts | meaning |\n| --- | --- | --- | --- |\n";
    for (const Setting& s : settings) {
      const std::string_view d = s.default_value;
      const std::string shown = d.starts_with('(') && d.ends_with(')')
                                    ? std::string(d.substr(1, d.size() - 2))
                                    : "`" + std::string(d) + "`";
      std::string meaning(s.meaning);
      if (const std::string also = AlsoReadFrom(s, "`"); !also.empty()) meaning += ". " + also;
      out << "| `" << s.name << "` | " << Cell(shown) << " | " << Cell(s.parser.accepts) << " | "
          << Cell(meaning) << " |\n";
    }
  });
  out << "\n" << kMarkdownEnd << "\n";
  return out.str();
}

}  // namespace mlops
