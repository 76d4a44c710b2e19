# Writes a C++ source that defines `std::string_view <NAMESPACE>::<FUNCTION>()` returning the text of
# one file. Called with -DIN=<file> -DOUT=<file.cc> -DNAMESPACE=<ns> -DFUNCTION=<name>.
set(delimiter "mlops_text")
file(READ ${IN} text)
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw string delimiter )${delimiter}\"")
endif()
file(WRITE ${OUT}.tmp "// Generated from ${IN} by cmake/embed_text.cmake.\n"
"#include <string_view>\n\nnamespace ${NAMESPACE} {\n\n"
"std::string_view ${FUNCTION}() {\n  return R\"${delimiter}(${text})${delimiter}\";\n}\n\n"
"}  // namespace ${NAMESPACE}\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
