#include "cli/command_util.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "model/kiln_model.h"
#include "table/table_reader.h"

namespace kiln {

Result<std::string> Sha256File(const std::string& path, std::size_t* bytes) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    if (!std::filesystem::exists(path))
      return Status::NotFound("no such file: " + path);
    return Status::IoError("cannot open " + path);
  }
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<unsigned char> buf(1 << 20);
  std::size_t total = 0;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), f.get())) {
    EVP_DigestUpdate(ctx.get(), buf.data(), n);
    total += n;
  }
  if (std::ferror(f.get()))
    return Status::IoError("cannot read " + path);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 15];
  }
  if (bytes != nullptr)
    *bytes = total;
  return hex;
}

Status CheckOutputDir(const std::string& dir, bool overwrite) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec))
    return Status::Ok();
  if (!fs::is_directory(dir, ec)) {
    return Status::AlreadyExists("--out \"" + dir + "\" exists and is not a directory");
  }
  if (!overwrite && !fs::is_empty(dir, ec)) {
    return Status::AlreadyExists("--out directory \"" + dir +
                                 "\" is not empty; choose a new directory or pass --overwrite");
  }
  return Status::Ok();
}

std::string JoinArgs(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (i == 0)
      a = "kiln";
    bool quote = a.empty() || a.find_first_of(" \t\"'$") != std::string::npos;
    s += (i ? " " : "") + (quote ? "'" + a + "'" : a);
  }
  return s;
}

bool StdoutIsTerminal() { return ::isatty(STDOUT_FILENO) == 1; }

Result<Table> ReadModelInput(const KilnModel& model, const std::string& path) {
  ReadOptions read;
  read.schema = model.InputSchema();
  ASSIGN_OR_RETURN(Table table, ReadTable(path, read));
  for (const ColumnSchema& c : read.schema) {
    if (table.Find(c.name) < 0) {
      return Status::InvalidArgument(path + " has no column \"" + c.name +
                                     "\", which the model needs as a feature");
    }
  }
  return table;
}

}  // namespace kiln
