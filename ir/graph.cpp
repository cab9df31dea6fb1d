#include "ir/graph.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "ir/printable.h"

namespace qcc {

int64_t Attrs::i(const std::string& k, int64_t def) const {
  auto it = m_.find(k);
  if (it == m_.end()) return def;
  if (auto p = std::get_if<int64_t>(&it->second)) return *p;
  throw std::runtime_error("attribute '" + k + "' is not an integer");
}

float Attrs::f(const std::string& k, float def) const {
  auto it = m_.find(k);
  if (it == m_.end()) return def;
  if (auto p = std::get_if<float>(&it->second)) return *p;
  if (auto p = std::get_if<int64_t>(&it->second)) return static_cast<float>(*p);
  throw std::runtime_error("attribute '" + k + "' is not a float");
}

std::string Attrs::s(const std::string& k, const std::string& def) const {
  auto it = m_.find(k);
  if (it == m_.end()) return def;
  if (auto p = std::get_if<std::string>(&it->second)) return *p;
  throw std::runtime_error("attribute '" + k + "' is not a string");
}

std::vector<int64_t> Attrs::ints(const std::string& k, std::vector<int64_t> def) const {
  auto it = m_.find(k);
  if (it == m_.end()) return def;
  if (auto p = std::get_if<std::vector<int64_t>>(&it->second)) return *p;
  if (auto p = std::get_if<int64_t>(&it->second)) return {*p};
  throw std::runtime_error("attribute '" + k + "' is not a list of integers");
}

std::vector<float> Attrs::floats(const std::string& k, std::vector<float> def) const {
  auto it = m_.find(k);
  if (it == m_.end()) return def;
  if (auto p = std::get_if<std::vector<float>>(&it->second)) return *p;
  if (auto p = std::get_if<float>(&it->second)) return {*p};
  throw std::runtime_error("attribute '" + k + "' is not a list of floats");
}

std::string Node::label() const {
  return std::string(op_name(op)) + " '" + printable(name) + "'";
}

std::string Graph::unique_name(const std::string& base) {
  std::string n = base.empty() ? "v" : base;
  // The search resumes where it stopped for this base: a file repeating one name 100000 times
  // must not make naming quadratic.
  for (int& k = next_suffix_[base]; names_.count(n);) n = base + "_" + std::to_string(++k);
  names_.insert(n);
  return n;
}

Value* Graph::add_value(const std::string& name, DType dtype, Shape shape) {
  auto v = std::make_unique<Value>();
  v->name = unique_name(name);
  v->dtype = dtype;
  v->shape = std::move(shape);
  values_.push_back(std::move(v));
  return values_.back().get();
}

Value* Graph::add_constant(const std::string& name, Tensor t) {
  Value* v = add_value(name, t.dtype(), t.shape());
  v->data = std::make_shared<const Tensor>(std::move(t));
  return v;
}

void Graph::set_producers(Node* n) {
  for (Value* o : n->outputs)
    if (o) o->producer = n;
}

Node* Graph::add_node(Op op, const std::string& name, std::vector<Value*> inputs,
                      std::vector<Value*> outputs) {
  auto n = std::make_unique<Node>();
  n->op = op;
  n->name = name;
  n->inputs = std::move(inputs);
  n->outputs = std::move(outputs);
  set_producers(n.get());
  nodes_.push_back(std::move(n));
  return nodes_.back().get();
}

Node* Graph::insert_node_before(const Node* pos, Op op, const std::string& name,
                                std::vector<Value*> inputs, std::vector<Value*> outputs) {
  auto it = std::find_if(nodes_.begin(), nodes_.end(),
                         [pos](const std::unique_ptr<Node>& n) { return n.get() == pos; });
  auto n = std::make_unique<Node>();
  n->op = op;
  n->name = name;
  n->inputs = std::move(inputs);
  n->outputs = std::move(outputs);
  set_producers(n.get());
  return nodes_.insert(it, std::move(n))->get();
}

std::vector<Node*> Graph::node_order() const {
  std::vector<Node*> order;
  order.reserve(nodes_.size());
  for (const auto& n : nodes_) order.push_back(n.get());
  return order;
}

std::vector<Node*> Graph::users(const Value* v) const {
  std::vector<Node*> out;
  for (const auto& n : nodes_)
    if (std::find(n->inputs.begin(), n->inputs.end(), v) != n->inputs.end()) out.push_back(n.get());
  return out;
}

std::unordered_map<const Value*, std::vector<Node*>> Graph::users_index() const {
  std::unordered_map<const Value*, std::vector<Node*>> index;
  for (const auto& n : nodes_)
    for (size_t i = 0; i < n->inputs.size(); ++i) {
      const Value* v = n->inputs[i];
      // once per node, as users() (a node reading v twice lists it once)
      if (v && std::find(n->inputs.begin(), n->inputs.begin() + i, v) == n->inputs.begin() + i)
        index[v].push_back(n.get());
    }
  return index;
}

bool Graph::is_graph_output(const Value* v) const {
  return std::find(outputs.begin(), outputs.end(), v) != outputs.end();
}

void Graph::replace_uses(Value* from, Value* to) {
  for (auto& n : nodes_)
    for (Value*& in : n->inputs)
      if (in == from) in = to;
  for (Value*& o : outputs)
    if (o == from) o = to;
}

void Graph::erase_nodes_if(const std::function<bool(const Node&)>& pred) {
  for (auto& n : nodes_)
    if (pred(*n))
      for (Value* o : n->outputs)
        if (o && o->producer == n.get()) o->producer = nullptr;
  nodes_.erase(std::remove_if(nodes_.begin(), nodes_.end(),
                              [&](const std::unique_ptr<Node>& n) { return pred(*n); }),
               nodes_.end());
}

void Graph::erase_unused_values() {
  std::set<const Value*> live(inputs.begin(), inputs.end());
  live.insert(outputs.begin(), outputs.end());
  for (const auto& n : nodes_) {
    live.insert(n->inputs.begin(), n->inputs.end());
    live.insert(n->outputs.begin(), n->outputs.end());
  }
  for (const auto& v : values_)
    if (!live.count(v.get())) names_.erase(v->name);
  values_.erase(
      std::remove_if(values_.begin(), values_.end(),
                     [&](const std::unique_ptr<Value>& v) { return !live.count(v.get()); }),
      values_.end());
}

void Graph::topo_sort() {
  std::unordered_map<const Value*, const Node*> producer;
  for (const auto& n : nodes_)
    for (const Value* o : n->outputs) producer[o] = n.get();
  std::unordered_map<const Node*, int> state;  // 0 new, 1 on the stack, 2 done
  std::vector<std::unique_ptr<Node>> order;
  std::unordered_map<const Node*, std::unique_ptr<Node>*> slot;
  for (auto& n : nodes_) slot[n.get()] = &n;
  // Depth-first post-order with an explicit stack (node, next input): a chain of a million nodes
  // in a file must not overflow the call stack.
  std::vector<std::pair<const Node*, size_t>> stack;
  auto enter = [&](const Node* n) {
    int& s = state[n];
    if (s == 1) throw std::runtime_error("graph has a cycle through " + n->label());
    if (s == 0) {
      s = 1;
      stack.push_back({n, 0});
    }
  };
  for (auto& root : nodes_) {
    if (!root) continue;  // already moved into `order`
    enter(root.get());
    while (!stack.empty()) {
      auto& [n, next] = stack.back();
      if (next < n->inputs.size()) {
        const Value* in = n->inputs[next++];
        auto it = producer.find(in);
        if (in && it != producer.end()) enter(it->second);  // (may reallocate `stack`)
        continue;
      }
      state[n] = 2;
      order.push_back(std::move(*slot[n]));
      stack.pop_back();
    }
  }
  nodes_ = std::move(order);
}

Value* Graph::find_value(const std::string& name) const {
  for (const auto& v : values_)
    if (v->name == name) return v.get();
  return nullptr;
}

const std::string& Graph::rename(Value* v, const std::string& name) {
  names_.erase(v->name);
  v->name = unique_name(name);
  return v->name;
}

Graph Graph::clone() const {
  Graph g;
  g.name = name;
  g.opset = opset;
  g.names_ = names_;
  g.next_suffix_ = next_suffix_;
  std::unordered_map<const Value*, Value*> map;
  map[nullptr] = nullptr;
  for (const auto& v : values_) {
    auto c = std::make_unique<Value>(*v);
    c->producer = nullptr;
    map[v.get()] = c.get();
    g.values_.push_back(std::move(c));
  }
  for (const auto& n : nodes_) {
    auto c = std::make_unique<Node>(*n);
    for (Value*& in : c->inputs) in = map.at(in);
    for (Value*& o : c->outputs) o = map.at(o);
    g.set_producers(c.get());
    g.nodes_.push_back(std::move(c));
  }
  for (const Value* v : inputs) g.inputs.push_back(map.at(v));
  for (const Value* v : outputs) g.outputs.push_back(map.at(v));
  return g;
}

}  // namespace qcc
