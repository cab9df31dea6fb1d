// ONNX node conformance: every case of Debian's libonnx-testdata for the ops qcc imports runs
// through the same code as `qcc compare` (import, optimize, lower, run, compare) with ONNX's
// backend-test tolerance (rtol 1e-3, atol 1e-7). Cases qcc does not claim are listed with the
// reason in kExcluded; a case directory that matches no prefix is simply another op's.
//
// Node tests feed every operand as a graph input. qcc takes weights, shapes, axes, pads and
// quantization parameters as compile-time constants (kParameterInputs), so the harness binds those
// inputs from the test data as initializers before importing -- exactly how qcc supports them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "cli/compare.h"
#include "frontend/onnx_import.h"
#include "frontend/tensor_proto.h"

namespace qcc {
namespace {

namespace fs = std::filesystem;

// Test-case name prefixes of the ops qcc imports.
const char* const kPrefixes[] = {
    "test_basic_conv_",
    "test_conv_",
    "test_relu",
    "test_maxpool_",
    "test_averagepool_",
    "test_globalaveragepool",
    "test_constant_pad",
    "test_edge_pad",
    "test_reflect_pad",
    "test_concat_",
    "test_flatten_",
    "test_gemm_",
    "test_matmul_",
    "test_add",
    "test_sub",
    "test_mul",
    "test_div",
    "test_gather_",
    "test_unsqueeze",
    "test_squeeze",
    "test_identity",
    "test_dropout_",
    "test_reshape_",
    "test_shape",
    "test_slice",
    "test_batchnorm_",
    "test_softmax_",
    "test_transpose_",
    "test_cast_",
    "test_quantizelinear",
    "test_dequantizelinear",
    "test_constant",
    "test_clip",
    "test_qlinearconv",
    "test_qlinearmatmul_",
    "test_convinteger_",
    "test_basic_convinteger",
    "test_matmulinteger",
};

// Cases under those prefixes that qcc does not claim, and why.
const std::map<std::string, std::string> kExcluded = {
    {"test_maxpool_1d_default", "1-D pooling: qcc pools 2-D (NCHW) only"},
    {"test_maxpool_3d_default", "3-D pooling: qcc pools 2-D (NCHW) only"},
    {"test_averagepool_1d_default", "1-D pooling: qcc pools 2-D (NCHW) only"},
    {"test_averagepool_3d_default", "3-D pooling: qcc pools 2-D (NCHW) only"},
    {"test_maxpool_with_argmax_2d_precomputed_pads", "the Indices output is not supported"},
    {"test_maxpool_with_argmax_2d_precomputed_strides", "the Indices output is not supported"},
    {"test_identity_opt", "optional types are not tensors"},
    {"test_identity_sequence", "sequence types are not tensors"},
    {"test_batchnorm_epsilon_training_mode", "training-mode BatchNormalization"},
    {"test_batchnorm_example_training_mode", "training-mode BatchNormalization"},
    {"test_dropout_random_old", "training-mode (random) Dropout"},
    {"test_gather_elements_0", "GatherElements is another op"},
    {"test_gather_elements_1", "GatherElements is another op"},
    {"test_gather_elements_negative_indices", "GatherElements is another op"},
    {"test_constantofshape_float_ones", "ConstantOfShape is another op"},
    {"test_constantofshape_int_shape_zero", "ConstantOfShape is another op"},
    {"test_constantofshape_int_zeros", "ConstantOfShape is another op"},
    {"test_cast_BFLOAT16_to_FLOAT", "bfloat16 is not a qcc dtype"},
    {"test_cast_FLOAT_to_BFLOAT16", "bfloat16 is not a qcc dtype"},
    {"test_cast_DOUBLE_to_FLOAT", "float64 is not a qcc dtype"},
    {"test_cast_DOUBLE_to_FLOAT16", "float64 is not a qcc dtype"},
    {"test_cast_FLOAT16_to_DOUBLE", "float64 is not a qcc dtype"},
    {"test_cast_FLOAT_to_DOUBLE", "float64 is not a qcc dtype"},
    {"test_cast_FLOAT_to_STRING", "strings are not a qcc dtype"},
    {"test_cast_STRING_to_FLOAT", "strings are not a qcc dtype"},
};

// Operand positions qcc requires to be constant, per op type.
const std::map<std::string, std::set<int>> kParameterInputs = {
    {"Conv", {1, 2}},
    {"Reshape", {1}},
    {"Slice", {1, 2, 3, 4}},
    {"Squeeze", {1}},
    {"Unsqueeze", {1}},
    {"Pad", {1, 2, 3}},
    {"QuantizeLinear", {1, 2}},
    {"DequantizeLinear", {1, 2}},
    {"BatchNormalization", {1, 2, 3, 4}},
    {"Dropout", {1, 2}},
    {"Clip", {1, 2}},
    {"QLinearConv", {1, 2, 3, 4, 5, 6, 7, 8}},
    {"QLinearMatMul", {1, 2, 3, 4, 5, 6, 7}},
    {"ConvInteger", {1, 2, 3}},
    {"MatMulInteger", {1, 2, 3}},
};

// Moves graph inputs used as parameters into initializers (with this data set's values) and
// returns the data for the inputs that remain.
std::vector<Tensor> bind_parameters(onnx::ModelProto& m, const std::vector<Tensor>& data) {
  std::set<std::string> params;
  for (const auto& n : m.graph().node()) {
    auto it = kParameterInputs.find(n.op_type());
    if (it == kParameterInputs.end()) continue;
    for (int i : it->second)
      if (i < n.input_size()) params.insert(n.input(i));
  }
  std::set<std::string> inits;
  for (const auto& t : m.graph().initializer()) inits.insert(t.name());
  auto* g = m.mutable_graph();
  std::vector<Tensor> remaining;
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> kept;
  size_t k = 0;
  for (const auto& in : g->input()) {
    if (inits.count(in.name())) continue;
    const Tensor& t = data.at(k++);
    if (params.count(in.name())) {
      *g->add_initializer() = tensor_to_proto(t, in.name());
    } else {
      *kept.Add() = in;
      remaining.push_back(t);
    }
  }
  g->mutable_input()->Swap(&kept);
  return remaining;
}

bool expanded(const std::string& name) {
  return name.find("_expanded") != std::string::npos;
}

std::vector<std::string> claimed_cases() {
  std::vector<std::string> out;
  if (!fs::is_directory(QCC_ONNX_NODE_TESTS)) return out;
  for (const auto& e : fs::directory_iterator(QCC_ONNX_NODE_TESTS)) {
    std::string name = e.path().filename().string();
    bool match = false;
    for (const char* p : kPrefixes) match |= name.rfind(p, 0) == 0;
    // *_expanded cases test a function body built from other ops, not the op itself.
    if (match && !expanded(name) && !kExcluded.count(name)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class Conformance : public ::testing::TestWithParam<std::string> {};

TEST_P(Conformance, MatchesReferenceOutputs) {
  fs::path dir = fs::path(QCC_ONNX_NODE_TESTS) / GetParam();
  for (TestDataSet& set : load_test_data(dir.string())) {
    onnx::ModelProto m;
    std::ifstream f(dir / "model.onnx", std::ios::binary);
    ASSERT_TRUE(m.ParseFromIstream(&f));
    set.inputs = bind_parameters(m, set.inputs);
    Session session(import_onnx_model(m, dir.string()), 1);
    for (const auto& s : compare_on(session, {set}, 1e-7, 1e-3)) {
      EXPECT_TRUE(s.mismatch.empty()) << set.dir << " " << s.name << ": " << s.mismatch;
      EXPECT_EQ(s.outside_tol, 0) << set.dir << " " << s.name << ": max abs err " << s.max_abs_err;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(OnnxNode, Conformance, ::testing::ValuesIn(claimed_cases()),
                         [](const auto& info) { return info.param; });

TEST(ConformanceSuite, TestDataIsInstalled) {
  ASSERT_TRUE(fs::is_directory(QCC_ONNX_NODE_TESTS)) << "install libonnx-testdata";
  EXPECT_GT(claimed_cases().size(), 100u);
}

}  // namespace
}  // namespace qcc
