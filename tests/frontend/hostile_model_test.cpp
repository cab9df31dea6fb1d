// Hostile models at the importer's door: each breaks one rule the runtime relies on and must be
// refused with a one-line error naming the file, the node and op (for node rules) and the rule --
// before anything large is allocated.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "frontend/onnx_import.h"
#include "onnx_builder.h"
#include "test_util.h"

namespace qcc {
namespace {

namespace fs = std::filesystem;
using test::OnnxModel;

const fs::path& dir() {
  static const fs::path d = test::temp_folder("hostile_model");
  return d;
}

// Imports the model from a file and returns the error; fails the test if it imports.
std::string import_error(const OnnxModel& m, const std::string& file) {
  const std::string path = m.save(dir(), file);
  try {
    import_onnx_file(path);
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.rfind(path, 0), 0u) << "starts with the file: " << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
    return msg;
  }
  ADD_FAILURE() << file << " imported";
  return "";
}

void expect_contains(const std::string& msg, std::initializer_list<const char*> parts) {
  for (const char* p : parts)
    EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' in: " << msg;
}

// x[N,3,8,8] -> Conv(w[4,3,3,3], b) -> y, the base of the convolution cases.
OnnxModel conv_model(const Tensor& bias, int opset = 13) {
  OnnxModel m(opset);
  m.input("x", {-1, 3, 8, 8}).init("w", test::random_tensor({4, 3, 3, 3}, 1)).init("b", bias);
  m.node("Conv", {"x", "w", "b"}, {"y"}, "conv1");
  m.output("y");
  return m;
}

TEST(HostileModelTest, ConvBiasShorterThanOutputChannels) {
  expect_contains(import_error(conv_model(test::random_tensor({2}, 2)), "short_bias.onnx"),
                  {"conv1", "Conv", "bias shape [2] != [4]"});
}

TEST(HostileModelTest, KernelShapeDisagreeingWithWeight) {
  OnnxModel m = conv_model(test::random_tensor({4}, 2));
  test::set_ints(*m.proto.mutable_graph()->mutable_node(0), "kernel_shape", {5, 5});
  expect_contains(import_error(m, "kernel.onnx"),
                  {"conv1", "kernel_shape [5,5] disagrees with weight"});
}

TEST(HostileModelTest, ZeroStrideInConvPoolAndAutoPad) {
  OnnxModel conv = conv_model(test::random_tensor({4}, 2));
  test::set_ints(*conv.proto.mutable_graph()->mutable_node(0), "strides", {0, 1});
  expect_contains(import_error(conv, "stride0.onnx"), {"conv1", "stride 0 out of range"});

  OnnxModel same = conv_model(test::random_tensor({4}, 2));
  test::set_ints(*same.proto.mutable_graph()->mutable_node(0), "strides", {1, 0});
  test::set_string(*same.proto.mutable_graph()->mutable_node(0), "auto_pad", "SAME_UPPER");
  expect_contains(import_error(same, "same_stride0.onnx"), {"conv1", "stride 0 out of range"});

  OnnxModel pool;
  pool.input("x", {-1, 3, 8, 8});
  auto& p = pool.node("MaxPool", {"x"}, {"y"}, "pool1");
  test::set_ints(p, "kernel_shape", {2, 2});
  test::set_ints(p, "strides", {0, 0});
  pool.output("y");
  expect_contains(import_error(pool, "pool_stride0.onnx"), {"pool1", "MaxPool", "stride 0"});
}

TEST(HostileModelTest, GroupedConvolutionIsRefusedAtImport) {
  OnnxModel m;
  m.input("x", {-1, 4, 8, 8}).init("w", test::random_tensor({4, 1, 3, 3}, 1));
  test::set_int(m.node("Conv", {"x", "w"}, {"y"}, "dw"), "group", 4);
  m.output("y");
  expect_contains(import_error(m, "depthwise.onnx"),
                  {"dw", "grouped convolution (group=4) is not supported"});
}

TEST(HostileModelTest, NodesWithoutTheirInputs) {
  for (const char* op : {"Conv", "Gemm", "MaxPool", "AveragePool"}) {
    OnnxModel m;
    m.input("x", {-1, 3, 8, 8});
    m.node(op, {}, {"y"}, "lonely");
    m.output("y");
    expect_contains(import_error(m, std::string("no_inputs_") + op + ".onnx"),
                    {"lonely", op, "input 0 is required"});
  }
}

TEST(HostileModelTest, BatchNormMissingOrShortParameters) {
  auto bn = [](int64_t var_len, bool with_var) {
    OnnxModel m;
    m.input("x", {-1, 3, 4, 4});
    for (const char* p : {"s", "b", "m"}) m.init(p, test::random_tensor({3}, 1));
    m.init("v", test::random_tensor({var_len}, 2, 0.5f, 1.f));
    m.node("BatchNormalization", {"x", "s", "b", "m", with_var ? "v" : ""}, {"y"}, "bn1");
    m.output("y");
    return m;
  };
  expect_contains(import_error(bn(3, false), "bn_no_var.onnx"),
                  {"bn1", "BatchNormalization", "input 4 is required"});
  expect_contains(import_error(bn(2, true), "bn_short.onnx"),
                  {"bn1", "variance shape [2] != channels [3]"});
}

// x[N,3,4,4] -> Pad (opset 18, pads for `axes`) -> y.
OnnxModel pad18(std::vector<int64_t> pads, std::vector<int64_t> axes) {
  OnnxModel m(18);
  m.input("x", {-1, 3, 4, 4});
  m.init("pads", Tensor::from_ints({static_cast<int64_t>(pads.size())}, pads));
  m.init("axes", Tensor::from_ints({static_cast<int64_t>(axes.size())}, axes));
  m.node("Pad", {"x", "pads", "", "axes"}, {"y"}, "pad1");
  m.output("y");
  return m;
}

TEST(HostileModelTest, Pad18AxesOutOfRangeOrPadsShort) {
  expect_contains(import_error(pad18({1, 1}, {6}), "pad_axis6.onnx"),
                  {"pad1", "Pad", "axis 6 out of range"});
  expect_contains(import_error(pad18({1, 1}, {1000000}), "pad_axis1e6.onnx"),
                  {"axis 1000000 out of range"});
  expect_contains(import_error(pad18({1}, {2, 3}), "pad_short.onnx"),
                  {"pads has 1 entries for 2 axes"});
  expect_contains(import_error(pad18({1, 1, 1, 1}, {2, -2}), "pad_twice.onnx"), {"listed twice"});
}

TEST(HostileModelTest, ElementCountOverflowIsNotWrapped) {
  OnnxModel m;
  m.input("x", {-1, 4});
  Tensor t = Tensor::from_floats({4}, {1, 2, 3, 4});
  m.init("w", t);
  m.last_init().clear_dims();
  m.last_init().add_dims((int64_t{1} << 62) + 1);  // (2^62 + 1) * 4 wraps to 4 in int64
  m.last_init().add_dims(4);
  m.node("Add", {"x", "w"}, {"y"});
  m.output("y");
  expect_contains(import_error(m, "wrap.onnx"), {"initializer 'w'", "too large"});
}

long max_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

TEST(HostileModelTest, HugeDeclaredTensorFailsBeforeAllocating) {
  OnnxModel m;
  m.input("x", {-1, 4});
  m.init("w", Tensor::from_floats({4}, {1, 2, 3, 4}));
  m.last_init().clear_dims();
  m.last_init().add_dims(500'000'000);  // 2 GB of floats declared, 16 bytes present
  m.node("Add", {"x", "w"}, {"y"});
  m.output("y");
  const long before = max_rss_kb();
  expect_contains(import_error(m, "declared.onnx"),
                  {"raw_data holds 16 bytes", "needs 2000000000"});
  ImportOptions small;
  small.max_bytes = 1000;
  m.last_init().clear_dims();
  m.last_init().add_dims(4);
  m.init("big", test::random_tensor({1000}, 3));
  m.node("Add", {"y", "big"}, {"z"});
  EXPECT_THROW(import_onnx_model(m.proto, dir().string(), small), std::runtime_error);
  EXPECT_LT(max_rss_kb() - before, 100 * 1024) << "KB of peak memory grown";
}

TEST(HostileModelTest, ModelWithoutOutputs) {
  OnnxModel m;
  m.input("x", {-1, 4});
  m.node("Relu", {"x"}, {"y"});
  expect_contains(import_error(m, "no_outputs.onnx"), {"the graph has no outputs"});
}

TEST(HostileModelTest, ConstantWithoutOutputIsAnErrorNotAProtobufAbort) {
  OnnxModel m;
  m.input("x", {-1, 4});
  auto& c = m.node("Constant", {}, {}, "c0");
  auto* a = c.add_attribute();
  a->set_name("value_float");
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(1.f);
  m.node("Relu", {"x"}, {"y"});
  m.output("y");
  expect_contains(import_error(m, "constant.onnx"), {"c0", "Constant", "one output"});
}

TEST(HostileModelTest, NaNWeightNamesTheLayer) {
  Tensor w = test::random_tensor({4, 3, 3, 3}, 1);
  w.data<float>()[5] = std::numeric_limits<float>::quiet_NaN();
  OnnxModel m = conv_model(test::random_tensor({4}, 2));
  *m.proto.mutable_graph()->mutable_initializer(0) = tensor_to_proto(w, "w");
  expect_contains(import_error(m, "nan.onnx"), {"conv1", "'w' holds NaN or Inf"});
}

TEST(HostileModelTest, RawBytesAndNewlinesInNamesAreEscaped) {
  OnnxModel m = conv_model(test::random_tensor({2}, 2));
  m.proto.mutable_graph()->mutable_node(0)->set_name("evil\nname\x1b[31m\xff");
  std::string msg = import_error(m, "names.onnx");
  expect_contains(msg, {"evil\\x0Aname\\x1B[31m\\xFF"});
}

TEST(HostileModelTest, EmptyGemmOperandIsRefused) {
  OnnxModel m;
  m.input("x", {-1, 4}).init("w", Tensor(DType::f32, {4, 0}));
  m.node("Gemm", {"x", "w"}, {"y"}, "fc");
  m.output("y");
  expect_contains(import_error(m, "empty_gemm.onnx"), {"fc", "empty operand"});
}

// x[N,4] + w, w's 4 floats external at `location` (with `length`, unless negative).
OnnxModel external(const std::string& location, int64_t length = -1,
                   const std::string& offset = "0") {
  OnnxModel m;
  m.input("x", {-1, 4}).init("w", Tensor(DType::f32, {4}));
  auto& w = m.last_init();
  w.clear_raw_data();
  w.set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
  auto add = [&](const char* k, const std::string& v) {
    auto* kv = w.add_external_data();
    kv->set_key(k);
    kv->set_value(v);
  };
  add("location", location);
  add("offset", offset);
  if (length >= 0) add("length", std::to_string(length));
  m.node("Add", {"x", "w"}, {"y"});
  m.output("y");
  return m;
}

TEST(HostileModelTest, ExternalDataStaysInsideTheModelFolder) {
  const fs::path sub = dir() / "ext";
  fs::create_directories(sub);
  std::ofstream(sub / "ok.bin", std::ios::binary) << std::string(16, '\0');
  const std::string model = external("ok.bin").save(sub, "ok.onnx");
  EXPECT_NO_THROW(import_onnx_file(model));

  auto error = [&](const OnnxModel& m, const char* file) {
    const std::string path = m.save(sub, file);
    try {
      import_onnx_file(path);
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
      return std::string(e.what());
    }
    return std::string("imported");
  };
  expect_contains(error(external("../../../../etc/passwd"), "dotdot.onnx"),
                  {"leaves the model's folder"});
  expect_contains(error(external("/etc/passwd"), "absolute.onnx"), {"is absolute"});
  fs::create_symlink("/etc/passwd", sub / "link.bin");
  expect_contains(error(external("link.bin"), "symlink.onnx"),
                  {"resolves outside the model's folder"});
  ASSERT_EQ(::mkfifo((sub / "fifo.bin").c_str(), 0600), 0);
  expect_contains(error(external("fifo.bin"), "fifo.onnx"), {"is not a regular file"});
  fs::create_symlink("/dev/zero", sub / "zero.bin");
  expect_contains(error(external("zero.bin"), "zero.onnx"), {"zero.bin"});
  expect_contains(error(external("ok.bin", 2'000'000'000), "length.onnx"),
                  {"length 2000000000 != 16"});
  expect_contains(error(external("ok.bin", -1, "abc"), "offset.onnx"),
                  {"offset 'abc' is not a byte count"});
  expect_contains(error(external("ok.bin", -1, "8"), "short.onnx"), {"too short"});
}

TEST(HostileModelTest, TensorFileDeclaringGigabytesFailsFast) {
  onnx::TensorProto p = tensor_to_proto(Tensor::from_floats({2}, {1, 2}), "t");
  p.clear_dims();
  p.add_dims(475'000'000);  // 1.9 GB declared in a file of a few bytes
  const fs::path path = dir() / "input_0.pb";
  std::ofstream(path, std::ios::binary) << p.SerializeAsString();
  const long before = max_rss_kb();
  try {
    load_tensor_file(path.string());
    ADD_FAILURE() << "loaded";
  } catch (const std::runtime_error& e) {
    expect_contains(e.what(), {"input_0.pb", "raw_data holds 8 bytes"});
  }
  EXPECT_LT(max_rss_kb() - before, 100 * 1024);
}

TEST(HostileModelTest, QuantizationScaleMustBePositive) {  // found by fuzz_import (scale 0 -> NaN)
  for (float scale : {0.f, -1.f, std::nanf("")}) {
    OnnxModel m;
    m.input("x", {-1, 4})
        .init("s", Tensor::from_floats({}, {scale}))
        .init("z", Tensor(DType::s8, {}));
    m.node("QuantizeLinear", {"x", "s", "z"}, {"y"}, "q");
    m.output("y");
    expect_contains(import_error(m, "scale.onnx"), {"q", "QuantizeLinear", "'s' holds"});
  }
}

TEST(HostileModelTest,
     EmptyTensorsLoad) {  // found by fuzz_tensor (memcpy from an empty tensor's null data)
  onnx::TensorProto p = tensor_to_proto(Tensor(DType::f32, {0, 3}), "empty");
  p.set_raw_data("");
  Tensor t = tensor_from_bytes(p.SerializeAsString(), dir().string());
  EXPECT_EQ(t.shape(), (Shape{0, 3}));
  EXPECT_EQ(t.nbytes(), 0u);
  p.add_float_data(1.f);  // raw_data (empty) wins over typed data, which must not be copied
  EXPECT_EQ(tensor_from_bytes(p.SerializeAsString(), dir().string()).nbytes(), 0u);
}

}  // namespace
}  // namespace qcc
