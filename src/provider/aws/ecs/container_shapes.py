#!/usr/bin/env python3
"""Writes container_shapes.json: the member names of ECS's ContainerDefinition and of every
structure inside it, from the ECS API model that botocore ships.

    src/provider/aws/ecs/container_shapes.py path/to/botocore/data/ecs/2014-11-13/service-2.json.gz

Why: Terraform's AWS provider reads `container_definitions` with Go's encoding/json, which
matches keys to the SDK's fields without regard to case and drops keys no field has. Public
modules rely on it (terraform-aws-modules/ecs writes `entrypoint` for `entryPoint`). infractl
reads the document the same way with this table (container_definitions.rs).

Output: {"<Structure>": {"<member>": <kind>}} where a kind is "scalar", "map" (keys are data,
kept as written), {"struct": "<Structure>"} or {"list": <kind>}; sorted, one structure a line.
"""

import gzip
import json
import sys


def main(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        shapes = json.load(f)["shapes"]
    out = {}

    def kind(name):
        shape = shapes[name]
        t = shape["type"]
        if t == "structure":
            visit(name)
            return {"struct": name}
        if t == "list":
            return {"list": kind(shape["member"]["shape"])}
        if t == "map":
            return "map"
        return "scalar"

    def visit(name):
        if name in out:
            return
        out[name] = {}
        for member, ref in shapes[name]["members"].items():
            out[name][member] = kind(ref["shape"])

    visit("ContainerDefinition")
    lines = [f"  {json.dumps(k)}: {json.dumps(out[k], sort_keys=True)}" for k in sorted(out)]
    here = __file__.rsplit("/", 1)[0]
    with open(f"{here}/container_shapes.json", "w") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")


if __name__ == "__main__":
    main(sys.argv[1])
