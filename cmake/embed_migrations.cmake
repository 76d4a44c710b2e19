# Writes a C++ source that holds each migration file as (version, name, sql), in file-name order.
# Called with -DOUT=<file.cc> -DBACKEND=<name> -DFILES=<a.sql,b.sql,...>.
string(REPLACE "," ";" FILES "${FILES}")
set(body "")
foreach(f ${FILES})
  get_filename_component(name ${f} NAME)
  string(REGEX MATCH "^[0-9]+" version ${name})
  # As a decimal number: a literal such as 0008 would be read as (invalid) octal.
  math(EXPR version "${version}")
  file(READ ${f} sql)
  string(APPEND body "    {${version}, \"${name}\", R\"mlops_sql(${sql})mlops_sql\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from src/store/${BACKEND}/migrations by cmake/embed_migrations.cmake.\n"
"#include \"store/migration.h\"\n\nnamespace mlops::${BACKEND} {\n\n"
"const std::vector<Migration>& Migrations() {\n  static const std::vector<Migration> kMigrations = {\n"
"${body}  };\n  return kMigrations;\n}\n\n}  // namespace mlops::${BACKEND}\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
