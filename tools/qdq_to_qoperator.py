#!/usr/bin/python3
"""Rewrite a QDQ model into ONNX Runtime's QOperator form, for tests of qcc's QOperator import.

  DQ(x) -> Conv(DQ(w), DQ(b)) [-> Relu] -> Q   =>  QLinearConv (ReLU folded into a u8 range
                                                   that starts at the zero point)
  DQ(x) -> AveragePool -> Q                    =>  com.microsoft QLinearAveragePool
  DQ(x) -> GlobalAveragePool -> Q              =>  com.microsoft QLinearGlobalAveragePool
  DQ(x_i) -> Concat -> Q                       =>  com.microsoft QLinearConcat
  DQ(x) -> MaxPool / Flatten -> Q (same scale) =>  the op on the int8 tensor
Anything else is kept as it is (e.g. the float classifier behind its DequantizeLinear).

usage: qdq_to_qoperator.py IN.onnx OUT.onnx
"""
import sys

import onnx
from onnx import helper


def main(src, dst):
    m = onnx.load(src)
    g = m.graph
    producer = {o: n for n in g.node for o in n.output}
    users = {}
    for n in g.node:
        for i in n.input:
            users.setdefault(i, []).append(n)

    def dq_of(name):
        n = producer.get(name)
        return n if n is not None and n.op_type == "DequantizeLinear" else None

    def sole_q(name):
        us = users.get(name, [])
        return us[0] if len(us) == 1 and us[0].op_type == "QuantizeLinear" else None

    new_nodes, dropped = [], set()
    counts = {}
    for n in g.node:
        if id(n) in dropped:
            continue
        out = n.output[0] if n.output else None
        relu = None
        if n.op_type == "Conv":
            us = users.get(out, [])
            if len(us) == 1 and us[0].op_type == "Relu":
                relu, out = us[0], us[0].output[0]
        q = sole_q(out) if out else None
        dqs = [dq_of(i) for i in n.input] if n.input else []
        if q is None or not dqs or dqs[0] is None:
            new_nodes.append(n)
            continue
        x = dqs[0]
        if n.op_type == "Conv" and dqs[1] is not None:
            w = dqs[1]
            ins = [x.input[0], x.input[1], x.input[2], w.input[0], w.input[1], w.input[2], q.input[1], q.input[2]]
            if len(n.input) > 2 and dqs[2] is not None:
                ins.append(dqs[2].input[0])
            node = helper.make_node("QLinearConv", ins, [q.output[0]], name=n.name)
            node.attribute.extend(n.attribute)
        elif n.op_type in ("AveragePool", "GlobalAveragePool"):
            node = helper.make_node("QLinear" + n.op_type, [x.input[0], x.input[1], x.input[2], q.input[1], q.input[2]],
                                    [q.output[0]], name=n.name, domain="com.microsoft")
            node.attribute.extend(n.attribute)
        elif n.op_type == "Concat" and all(d is not None for d in dqs):
            ins = [q.input[1], q.input[2]]
            for d in dqs:
                ins += [d.input[0], d.input[1], d.input[2]]
            node = helper.make_node("QLinearConcat", ins, [q.output[0]], name=n.name, domain="com.microsoft")
            node.attribute.extend(n.attribute)
        elif n.op_type in ("MaxPool", "Flatten") and x.input[1] == q.input[1]:
            node = helper.make_node(n.op_type, [x.input[0]] + list(n.input[1:]), [q.output[0]], name=n.name)
            node.attribute.extend(n.attribute)
        else:
            new_nodes.append(n)
            continue
        dropped.add(id(q))
        if relu is not None:
            dropped.add(id(relu))
        counts[node.op_type] = counts.get(node.op_type, 0) + 1
        new_nodes.append(node)
    del g.node[:]
    g.node.extend(new_nodes)
    # DequantizeLinear nodes nothing reads any more go too.
    changed = True
    while changed:
        read = {i for n in g.node for i in n.input} | {o.name for o in g.output}
        keep = [n for n in g.node if n.op_type not in ("DequantizeLinear", "QuantizeLinear") or n.output[0] in read]
        changed = len(keep) != len(g.node)
        del g.node[:]
        g.node.extend(keep)
    if not any(o.domain == "com.microsoft" for o in m.opset_import):
        m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    print(f"{dst}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
