// The IR: a graph of nodes over SSA values. Values are typed (dtype, shape, optional quantization)
// and constants carry their data. Nodes are kept in topological order.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "ir/dtype.h"
#include "ir/op.h"
#include "ir/tensor.h"

namespace qcc {

struct Node;

struct Value {
  std::string name;
  DType dtype = DType::f32;
  Shape shape;
  std::optional<QuantParams> quant;
  TensorPtr data;            ///< set for constants (initializers)
  Node* producer = nullptr;  ///< null for graph inputs and constants

  bool is_constant() const { return data != nullptr; }
  int rank() const { return static_cast<int>(shape.size()); }
};

using AttrValue =
    std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>>;

/// Named node attributes with typed getters that fall back to a default.
class Attrs {
 public:
  bool has(const std::string& k) const { return m_.count(k) != 0; }
  void set(const std::string& k, AttrValue v) { m_[k] = std::move(v); }
  void erase(const std::string& k) { m_.erase(k); }

  int64_t i(const std::string& k, int64_t def = 0) const;
  float f(const std::string& k, float def = 0.f) const;
  std::string s(const std::string& k, const std::string& def = "") const;
  std::vector<int64_t> ints(const std::string& k, std::vector<int64_t> def = {}) const;
  std::vector<float> floats(const std::string& k, std::vector<float> def = {}) const;

  const std::map<std::string, AttrValue>& all() const { return m_; }

 private:
  std::map<std::string, AttrValue> m_;
};

/// A fused activation applied in a node's epilogue (set by fuse_activation).
enum class Activation : uint8_t { none, relu };
/// The layout of a node's 4-D activations (set by layout_nhwc; ONNX graphs are NCHW).
enum class Layout : uint8_t { nchw, nhwc };

struct Node {
  Op op;
  std::string name;
  std::vector<Value*> inputs;  ///< an omitted optional input is nullptr
  std::vector<Value*> outputs;
  Attrs attrs;  ///< the ONNX attributes, and only those (the exporter writes them all)

  // qcc's own facts about the node, typed: passes set them, the exporter writes them as
  // standard ONNX (a fused activation becomes its node again) or refuses (NHWC).
  Activation activation = Activation::none;
  Layout layout = Layout::nchw;
  bool input_nonneg = false;  ///< int8 Conv/Gemm: the s8 input is provably >= 0 (read as u7)
  bool coerce_2d = false;     ///< Softmax from opset < 13: flattened to 2-D at `axis`

  bool nhwc() const { return layout == Layout::nhwc; }

  /// Input i, or nullptr when absent.
  Value* in(size_t i) const { return i < inputs.size() ? inputs[i] : nullptr; }
  Value* out(size_t i = 0) const { return i < outputs.size() ? outputs[i] : nullptr; }
  /// "Conv 'name'" for messages.
  std::string label() const;
};

class Graph {
 public:
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;
  Graph(Graph&&) = default;
  Graph& operator=(Graph&&) = default;

  std::string name;
  int opset = 13;
  std::vector<Value*> inputs;
  std::vector<Value*> outputs;

  const std::vector<std::unique_ptr<Node>>& nodes() const { return nodes_; }
  const std::vector<std::unique_ptr<Value>>& values() const { return values_; }

  /// New value with a name unique in the graph (derived from `name`).
  Value* add_value(const std::string& name, DType dtype, Shape shape = {});
  Value* add_constant(const std::string& name, Tensor t);
  /// Appends a node (callers keep topological order, or call topo_sort()).
  Node* add_node(Op op, const std::string& name, std::vector<Value*> inputs,
                 std::vector<Value*> outputs);
  /// Inserts a node right before `pos` in the order.
  Node* insert_node_before(const Node* pos, Op op, const std::string& name,
                           std::vector<Value*> inputs, std::vector<Value*> outputs);

  /// The nodes in order, as a snapshot a pass can walk while it adds nodes and rewires values
  /// (the nodes it adds are not visited).
  std::vector<Node*> node_order() const;
  /// Nodes that read `v` (a node reading it twice appears once). Scans every node: a pass that
  /// asks for many values uses users_index() instead.
  std::vector<Node*> users(const Value* v) const;
  /// users() of every value at once, in one scan: a snapshot that edits do not update.
  std::unordered_map<const Value*, std::vector<Node*>> users_index() const;
  bool is_graph_output(const Value* v) const;
  /// Rewires every reader of `from` (nodes and graph outputs) to `to`.
  void replace_uses(Value* from, Value* to);

  /// Removes nodes matching `pred`; their outputs lose their producer.
  void erase_nodes_if(const std::function<bool(const Node&)>& pred);
  /// Drops values that nothing produces, reads or exposes (after passes).
  void erase_unused_values();
  /// Restores topological order; throws on a cycle.
  void topo_sort();

  Value* find_value(const std::string& name) const;
  /// Gives `v` a new name (made unique); returns it.
  const std::string& rename(Value* v, const std::string& name);
  Graph clone() const;

 private:
  std::string unique_name(const std::string& base);
  void set_producers(Node* n);

  std::vector<std::unique_ptr<Value>> values_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::set<std::string> names_;
  std::map<std::string, int> next_suffix_;  ///< per base name: where unique_name's search resumes
};

}  // namespace qcc
