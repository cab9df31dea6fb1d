// JSON for reports and calibration profiles: a small document type that is built by nesting,
// written with numbers that read back to the same bits, and parsed back.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace qcc::cli {

class Json {
 public:
  static Json object();
  static Json array();
  static Json null() { return Json(); }
  /// Parses a whole document; throws std::runtime_error naming the byte offset of the problem.
  static Json parse(const std::string& text);
  /// Reads and parses a file; errors name the file.
  static Json load(const std::string& path);

  Json(double v);
  Json(float v);  ///< written as the shortest text that reads back to this float
  Json(int64_t v);
  Json(int v) : Json(static_cast<int64_t>(v)) {}
  Json(bool v);
  Json(const std::string& v);
  Json(const char* v) : Json(std::string(v)) {}
  Json& set(const std::string& key, Json v);  ///< object member (insertion order kept)
  Json& push(Json v);                         ///< array element
  std::string dump(int indent = 2) const;
  /// Writes to `path` atomically (see write_file); throws std::runtime_error on failure.
  void save(const std::string& path) const;

  // Reading. The typed getters throw std::runtime_error when the value has another type.
  bool is_null() const { return kind_ == kNull; }
  bool is_object() const { return kind_ == kObj; }
  bool is_array() const { return kind_ == kArr; }
  bool has(const std::string& key) const;
  const Json& at(const std::string& key) const;  ///< object member; throws when absent
  const std::vector<Json>& items() const;        ///< array elements
  const std::vector<std::pair<std::string, Json>>& members() const;
  double number() const;
  int64_t integer() const;
  bool boolean() const;
  const std::string& str() const;

 private:
  Json() = default;
  void write(std::ostringstream& os, int indent, int depth) const;
  friend class JsonParser;
  enum Kind { kNull, kNum, kFloat, kInt, kBool, kStr, kObj, kArr } kind_ = kNull;
  double num_ = 0;
  int64_t int_ = 0;
  bool bool_ = false;
  std::string str_;
  std::vector<std::pair<std::string, Json>> members_;
  std::vector<Json> items_;
};

}  // namespace qcc::cli
