#include "cli/json.h"

#include "frontend/file_io.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace qcc::cli {

Json Json::object() {
  Json j;
  j.kind_ = kObj;
  return j;
}
Json Json::array() {
  Json j;
  j.kind_ = kArr;
  return j;
}
Json::Json(double v) : kind_(kNum), num_(v) {}
Json::Json(float v) : kind_(kFloat), num_(v) {}
Json::Json(int64_t v) : kind_(kInt), int_(v) {}
Json::Json(bool v) : kind_(kBool), bool_(v) {}
Json::Json(const std::string& v) : kind_(kStr), str_(v) {}

Json& Json::set(const std::string& key, Json v) {
  for (auto& [k, val] : members_)
    if (k == key) {
      val = std::move(v);
      return *this;
    }
  members_.emplace_back(key, std::move(v));
  return *this;
}

Json& Json::push(Json v) {
  items_.push_back(std::move(v));
  return *this;
}

namespace {

void write_string(std::ostringstream& os, const std::string& s) {
  os << '"';
  for (char c : s) {
    switch (c) {
      case '"': os << "\\\""; break;
      case '\\': os << "\\\\"; break;
      case '\n': os << "\\n"; break;
      case '\t': os << "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          os << buf;
        } else {
          os << c;
        }
    }
  }
  os << '"';
}

// Shortest decimal text that parses back to the same value (JSON has no inf/nan: null).
template <typename T>
void write_number(std::ostringstream& os, T v) {
  if (!std::isfinite(v)) {
    os << "null";
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  os.write(buf, r.ptr - buf);
}

}  // namespace

void Json::write(std::ostringstream& os, int indent, int depth) const {
  std::string pad(indent * (depth + 1), ' '), end_pad(indent * depth, ' ');
  const char* nl = indent ? "\n" : "";
  switch (kind_) {
    case kNull: os << "null"; break;
    case kNum: write_number(os, num_); break;
    case kFloat: write_number(os, static_cast<float>(num_)); break;
    case kInt: os << int_; break;
    case kBool: os << (bool_ ? "true" : "false"); break;
    case kStr: write_string(os, str_); break;
    case kObj:
      os << '{' << nl;
      for (size_t i = 0; i < members_.size(); ++i) {
        os << pad;
        write_string(os, members_[i].first);
        os << ": ";
        members_[i].second.write(os, indent, depth + 1);
        os << (i + 1 < members_.size() ? "," : "") << nl;
      }
      os << end_pad << '}';
      break;
    case kArr:
      os << '[' << nl;
      for (size_t i = 0; i < items_.size(); ++i) {
        os << pad;
        items_[i].write(os, indent, depth + 1);
        os << (i + 1 < items_.size() ? "," : "") << nl;
      }
      os << end_pad << ']';
      break;
  }
}

std::string Json::dump(int indent) const {
  std::ostringstream os;
  write(os, indent, 0);
  return os.str();
}

void Json::save(const std::string& path) const {
  const std::string text = dump() + "\n";
  write_file(path, [&](std::ostream& f) { f << text; });
}

bool Json::has(const std::string& key) const {
  for (const auto& [k, v] : members_)
    if (k == key) return true;
  return false;
}

const Json& Json::at(const std::string& key) const {
  if (kind_ != kObj) throw std::runtime_error("JSON: expected an object holding '" + key + "'");
  for (const auto& [k, v] : members_)
    if (k == key) return v;
  throw std::runtime_error("JSON: missing member '" + key + "'");
}

const std::vector<Json>& Json::items() const {
  if (kind_ != kArr) throw std::runtime_error("JSON: expected an array");
  return items_;
}

const std::vector<std::pair<std::string, Json>>& Json::members() const {
  if (kind_ != kObj) throw std::runtime_error("JSON: expected an object");
  return members_;
}

double Json::number() const {
  if (kind_ == kInt) return static_cast<double>(int_);
  if (kind_ != kNum && kind_ != kFloat) throw std::runtime_error("JSON: expected a number");
  return num_;
}

int64_t Json::integer() const {
  if (kind_ != kInt) throw std::runtime_error("JSON: expected an integer");
  return int_;
}

bool Json::boolean() const {
  if (kind_ != kBool) throw std::runtime_error("JSON: expected true or false");
  return bool_;
}

const std::string& Json::str() const {
  if (kind_ != kStr) throw std::runtime_error("JSON: expected a string");
  return str_;
}

// Recursive descent over RFC 8259 JSON. Numbers without '.', 'e' or 'E' that fit int64 become
// integers; the rest doubles. Nesting is limited so hostile input cannot exhaust the stack.
class JsonParser {
 public:
  explicit JsonParser(const std::string& s) : s_(s) {}

  Json document() {
    Json v = value(0);
    skip_space();
    if (i_ != s_.size()) fail("unexpected text after the document");
    return v;
  }

 private:
  static constexpr int kMaxDepth = 256;

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("JSON parse error at byte " + std::to_string(i_) + ": " + what);
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool consume(char c) {
    skip_space();
    if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
    return false;
  }
  void expect(char c) {
    if (!consume(c)) fail(std::string("expected '") + c + "'");
  }
  bool literal(const char* word) {
    const std::string w(word);
    if (s_.compare(i_, w.size(), w) != 0) return false;
    i_ += w.size();
    return true;
  }

  Json value(int depth) {
    if (depth > kMaxDepth) fail("nested too deeply");
    skip_space();
    if (i_ >= s_.size()) fail("unexpected end");
    const char c = s_[i_];
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') return Json(string());
    if (literal("true")) return Json(true);
    if (literal("false")) return Json(false);
    if (literal("null")) return Json::null();
    return number();
  }

  Json object(int depth) {
    Json o = Json::object();
    ++i_;
    if (consume('}')) return o;
    do {
      skip_space();
      if (i_ >= s_.size() || s_[i_] != '"') fail("expected a member name");
      std::string key = string();
      expect(':');
      o.members_.emplace_back(std::move(key), value(depth + 1));
    } while (consume(','));
    expect('}');
    return o;
  }

  Json array(int depth) {
    Json a = Json::array();
    ++i_;
    if (consume(']')) return a;
    do a.items_.push_back(value(depth + 1));
    while (consume(','));
    expect(']');
    return a;
  }

  std::string string() {
    ++i_;  // opening quote
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) fail("unexpected end in an escape");
      switch (char e = s_[i_++]) {
        case '"': case '\\': case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': out += unicode_escape(); break;
        default: fail("bad escape");
      }
    }
    if (i_ >= s_.size()) fail("unterminated string");
    ++i_;
    return out;
  }

  // \uXXXX as UTF-8 (surrogate pairs are kept as two 3-byte sequences: names only, never decoded).
  std::string unicode_escape() {
    if (i_ + 4 > s_.size()) fail("short \\u escape");
    unsigned cp = 0;
    auto r = std::from_chars(s_.data() + i_, s_.data() + i_ + 4, cp, 16);
    if (r.ptr != s_.data() + i_ + 4) fail("bad \\u escape");
    i_ += 4;
    std::string out;
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return out;
  }

  Json number() {
    const size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    bool integral = true;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' || s_[i_] == 'e' ||
                              s_[i_] == 'E' || s_[i_] == '+' || s_[i_] == '-')) {
      integral &= std::isdigit(static_cast<unsigned char>(s_[i_])) != 0;
      ++i_;
    }
    const char* first = s_.data() + start;
    const char* last = s_.data() + i_;
    if (first == last || (last - first == 1 && *first == '-')) fail("expected a value");
    if (integral) {
      int64_t v = 0;
      auto r = std::from_chars(first, last, v);
      if (r.ec == std::errc() && r.ptr == last) return Json(v);
    }
    double d = 0;
    auto r = std::from_chars(first, last, d);
    if (r.ec != std::errc() || r.ptr != last) fail("bad number");
    return Json(d);
  }

  const std::string& s_;
  size_t i_ = 0;
};

Json Json::parse(const std::string& text) { return JsonParser(text).document(); }

Json Json::load(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot open");
  std::ostringstream ss;
  ss << f.rdbuf();
  try {
    return parse(ss.str());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

}  // namespace qcc::cli
