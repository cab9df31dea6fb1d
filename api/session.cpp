// The public runtime library over the internal one: model import, the runtime Session and the
// image loader, with every failure turned into qcc::runtime::Error carrying the CLI's message.
#include "qcc/session.h"

#include <limits>

#include "frontend/onnx_import.h"
#include "ir/printable.h"
#include "runtime/image.h"
#include "runtime/session.h"

namespace qcc::runtime {

static_assert(Options{}.max_model_bytes == kDefaultMaxModelBytes, "the public default is qcc's");
static_assert(Options{}.max_image_pixels == kDefaultMaxImagePixels, "the public default is qcc's");

namespace {

// Runs `f`, reporting any failure as Error with the line the qcc command prints.
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(error_line(e));
  }
}

qcc::Tensor to_internal(const Tensor& t, size_t input) {
  int64_t n = 1;
  for (int64_t d : t.shape) {
    if (d < 0 || (d && n > std::numeric_limits<int64_t>::max() / d))
      throw Error("input " + std::to_string(input) + ": invalid shape");
    n *= d;
  }
  if (static_cast<uint64_t>(n) != t.data.size())
    throw Error("input " + std::to_string(input) + ": shape " + shape_str(t.shape) + " holds " +
                std::to_string(n) + " values, the tensor has " + std::to_string(t.data.size()));
  return qcc::Tensor::from_floats(t.shape, t.data);
}

Tensor to_public(const qcc::Tensor& t) {
  return {t.shape(), t.to_floats()};
}

std::vector<std::string> names(const std::vector<Value*>& values) {
  std::vector<std::string> out;
  for (const Value* v : values) out.push_back(v->name);
  return out;
}

}  // namespace

Error::Error(const std::string& what) : std::runtime_error(what) {}
Error::~Error() = default;

struct Session::Impl {
  Impl(Graph g, const Options& o) : session(std::move(g), o.threads, true, o.max_model_bytes) {
    pre.max_pixels = o.max_image_pixels;
  }
  qcc::Session session;
  Preprocess pre;
};

Session::Session(const std::string& model_path, const Options& options) {
  guarded([&] {
    ImportOptions io;
    io.max_bytes = options.max_model_bytes;
    impl_ = std::make_unique<Impl>(import_onnx_file(model_path, io), options);
  });
}

Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

std::vector<Tensor> Session::run(const std::vector<Tensor>& inputs) {
  return guarded([&] {
    std::vector<qcc::Tensor> in;
    for (size_t i = 0; i < inputs.size(); ++i) in.push_back(to_internal(inputs[i], i));
    std::vector<Tensor> out;
    for (const qcc::Tensor& t : impl_->session.run(in)) out.push_back(to_public(t));
    return out;
  });
}

Tensor Session::load_image(const std::string& path) const {
  return guarded([&] { return to_public(load_image_tensor(path, impl_->pre)); });
}

std::vector<Tensor> Session::run_image(const std::string& path) {
  return run({load_image(path)});
}

int Session::threads() const {
  return impl_->session.threads();
}

std::vector<std::string> Session::input_names() const {
  return names(impl_->session.graph().inputs);
}

std::vector<std::string> Session::output_names() const {
  return names(impl_->session.graph().outputs);
}

const char* version() {
  return QCC_VERSION;
}

}  // namespace qcc::runtime
