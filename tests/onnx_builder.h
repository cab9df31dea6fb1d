// Builds ONNX ModelProtos node by node for tests that need files the IR builders cannot express:
// malformed, hostile or opset-specific models. Each test makes its own small model.
#pragma once

#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "frontend/tensor_proto.h"

namespace qcc::test {

class OnnxModel {
 public:
  explicit OnnxModel(int opset = 13) {
    proto.set_ir_version(8);
    proto.add_opset_import()->set_version(opset);
    proto.mutable_graph()->set_name("test");
  }

  /// A float input; a dimension of -1 is dynamic ("N").
  OnnxModel& input(const std::string& name, const std::vector<int64_t>& dims) {
    auto* in = graph()->add_input();
    in->set_name(name);
    auto* tt = in->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto_DataType_FLOAT);
    auto* shape = tt->mutable_shape();
    for (int64_t d : dims) {
      if (d < 0)
        shape->add_dim()->set_dim_param("N");
      else
        shape->add_dim()->set_dim_value(d);
    }
    return *this;
  }
  OnnxModel& init(const std::string& name, const Tensor& t) {
    *graph()->add_initializer() = tensor_to_proto(t, name);
    return *this;
  }
  onnx::TensorProto& last_init() {
    return *graph()->mutable_initializer(graph()->initializer_size() - 1);
  }
  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& ins,
                        const std::vector<std::string>& outs, const std::string& name = "") {
    auto* n = graph()->add_node();
    n->set_op_type(op);
    n->set_name(name.empty() ? op + "_" + std::to_string(graph()->node_size()) : name);
    for (const auto& i : ins) n->add_input(i);
    for (const auto& o : outs) n->add_output(o);
    return *n;
  }
  OnnxModel& output(const std::string& name) {
    graph()->add_output()->set_name(name);
    return *this;
  }
  /// Writes the model into `dir` (created) and returns its path.
  std::string save(const std::filesystem::path& dir, const std::string& file) const {
    std::filesystem::create_directories(dir);
    std::string path = (dir / file).string();
    std::ofstream f(path, std::ios::binary);
    proto.SerializeToOstream(&f);
    return path;
  }

  onnx::ModelProto proto;

 private:
  onnx::GraphProto* graph() { return proto.mutable_graph(); }
};

inline void set_ints(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}
inline void set_int(onnx::NodeProto& n, const std::string& name, int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
inline void set_string(onnx::NodeProto& n, const std::string& name, const std::string& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

/// A fresh folder per test process (and name), removed when the process exits.
inline std::filesystem::path temp_folder(const std::string& name) {
  struct Cleanup {
    std::vector<std::filesystem::path> dirs;
    ~Cleanup() {
      std::error_code ec;
      for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
    }
  };
  static Cleanup cleanup;
  auto d =
      std::filesystem::temp_directory_path() / ("qcc_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  cleanup.dirs.push_back(d);
  return d;
}

}  // namespace qcc::test
