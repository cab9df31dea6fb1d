// ONNX import: a hand-built model round-trips into the IR; malformed files, unsupported ops and
// external data behave as documented.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "frontend/onnx_import.h"
#include "frontend/tensor_proto.h"
#include "runtime/session.h"
#include "test_util.h"

namespace qcc {
namespace {

namespace fs = std::filesystem;

std::string temp_dir() {
  fs::path d = fs::temp_directory_path() / ("qcc_import_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d.string();
}

onnx::ModelProto tiny_model(int opset, const std::string& op = "Relu") {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(opset);
  auto* g = m.mutable_graph();
  g->set_name("tiny");
  auto* in = g->add_input();
  in->set_name("x");
  auto* tt = in->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto_DataType_FLOAT);
  tt->mutable_shape()->add_dim()->set_dim_param("batch");
  tt->mutable_shape()->add_dim()->set_dim_value(4);
  *g->add_initializer() = tensor_to_proto(Tensor::from_floats({4}, {1, 2, 3, 4}), "w");
  auto* add = g->add_node();
  add->set_op_type("Add");
  add->set_name("add0");
  add->add_input("x");
  add->add_input("w");
  add->add_output("s");
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name("act0");
  n->add_input("s");
  n->add_output("y");
  g->add_output()->set_name("y");
  return m;
}

std::string save(const onnx::ModelProto& m, const std::string& name) {
  std::string path = temp_dir() + "/" + name;
  std::ofstream f(path, std::ios::binary);
  m.SerializeToOstream(&f);
  return path;
}

TEST(ImportTest, TranslatesAndRuns) {
  Graph g = import_onnx_file(save(tiny_model(13), "tiny.onnx"));
  ASSERT_EQ(g.nodes().size(), 2u);
  EXPECT_EQ(g.inputs[0]->shape, (Shape{kDynamicDim, 4}));
  EXPECT_EQ(g.outputs[0]->shape, (Shape{kDynamicDim, 4}));
  Session s(std::move(g), 1);
  auto out = s.run({Tensor::from_floats({2, 4}, {-5, 0, 1, 2, -1, -2, -3, -10})});
  const float want[8] = {0, 2, 4, 6, 0, 0, 0, 0};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(out[0].data<float>()[i], want[i]);
}

TEST(ImportTest, UnsupportedOpNamesNodeOpAndOpset) {
  try {
    import_onnx_file(save(tiny_model(13, "Einsum"), "einsum.onnx"));
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("einsum.onnx"), std::string::npos) << msg;
    EXPECT_NE(msg.find("act0"), std::string::npos) << msg;
    EXPECT_NE(msg.find("Einsum"), std::string::npos) << msg;
    EXPECT_NE(msg.find("opset 13"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line";
  }
}

TEST(ImportTest, TruncatedAndMissingFilesAreErrors) {
  std::string path = save(tiny_model(13), "full.onnx");
  std::string bytes;
  {
    std::ifstream f(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  for (size_t cut : {bytes.size() / 3, bytes.size() - 3}) {
    std::string t = temp_dir() + "/truncated.onnx";
    std::ofstream(t, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(cut));
    EXPECT_THROW(import_onnx_file(t), std::runtime_error) << "cut at " << cut;
  }
  EXPECT_THROW(import_onnx_file(temp_dir() + "/does_not_exist.onnx"), std::runtime_error);
  EXPECT_THROW(import_onnx_file(save(tiny_model(19), "future.onnx")), std::runtime_error);
}

TEST(ImportTest, ExternalDataIsLoadedNextToTheModel) {
  onnx::ModelProto m = tiny_model(13);
  auto* init = m.mutable_graph()->mutable_initializer(0);
  init->clear_raw_data();
  init->set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
  auto* loc = init->add_external_data();
  loc->set_key("location");
  loc->set_value("weights.bin");
  auto* off = init->add_external_data();
  off->set_key("offset");
  off->set_value("8");
  const float w[4] = {10, 20, 30, 40};
  {
    std::ofstream f(temp_dir() + "/weights.bin", std::ios::binary);
    f.write("padding!", 8);
    f.write(reinterpret_cast<const char*>(w), sizeof w);
  }
  Graph g = import_onnx_file(save(m, "external.onnx"));
  const Value* wv = g.nodes()[0]->in(1);
  ASSERT_TRUE(wv->is_constant());
  EXPECT_EQ(wv->data->to_floats(), (std::vector<float>{10, 20, 30, 40}));
}

TEST(ImportTest, OpsetSpecificInputsBecomeAttributes) {
  onnx::ModelProto m = tiny_model(13);
  auto* g = m.mutable_graph();
  *g->add_initializer() = tensor_to_proto(Tensor::from_ints({1}, {1}), "axes");
  auto* n = g->mutable_node(1);
  n->set_op_type("Unsqueeze");
  n->add_input("axes");
  Graph ir = import_onnx_file(save(m, "unsqueeze.onnx"));
  const Node& u = *ir.nodes()[1];
  EXPECT_EQ(u.inputs.size(), 1u);
  EXPECT_EQ(u.attrs.ints("axes"), (std::vector<int64_t>{1}));
  EXPECT_EQ(u.out()->shape, (Shape{kDynamicDim, 1, 4}));
}

}  // namespace
}  // namespace qcc
