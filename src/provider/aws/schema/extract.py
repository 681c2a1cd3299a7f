#!/usr/bin/env python3
"""Extracts the AWS provider's schema into the compact fixture infractl ships.

    src/provider/aws/schema/extract.py [--version 5.100.0] [--mirror /opt/tf-plugins]

What it runs, in a temporary folder holding only

    terraform { required_providers { aws = { source = "hashicorp/aws", version = "<version>" } } }

and a CLI configuration of its own (TF_CLI_CONFIG_FILE) that installs providers from the
filesystem mirror, offline:

    terraform init -input=false -no-color
    terraform providers schema -json

What it keeps of that JSON (13.6 MB for 5.100.0): every resource, data source and ephemeral
resource type, its schema
version, every attribute's name, type and required/optional/computed/sensitive/write_only/
deprecated flags, every nested block with its nesting mode and min/max items, in Terraform's own
key names. What it drops: descriptions, description kinds and deprecation messages. One type per
line (`resource <name> <json>` / `data <name> <json>` / `ephemeral <name> <json>`, sorted), so
infractl parses only the types
a run uses; gzip without a timestamp, so a re-run on the same provider is byte-identical.
The output is aws-<version>.schema.gz next to this script.
"""

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ATTR_KEYS = ("type", "required", "optional", "computed", "sensitive", "write_only", "deprecated")


def compact_block(block):
    """A block without its documentation, keys in a stable order."""
    out = {}
    attrs = {
        name: {k: a[k] for k in ATTR_KEYS if a.get(k)}
        for name, a in sorted(block.get("attributes", {}).items())
    }
    if attrs:
        out["attributes"] = attrs
    blocks = {}
    for name, bt in sorted(block.get("block_types", {}).items()):
        nested = {"nesting_mode": bt["nesting_mode"], "block": compact_block(bt["block"])}
        for k in ("min_items", "max_items"):
            if bt.get(k):
                nested[k] = bt[k]
        blocks[name] = nested
    if blocks:
        out["block_types"] = blocks
    if block.get("deprecated"):
        out["deprecated"] = True
    return out


def provider_schema(version, mirror):
    """Runs terraform in a scratch folder and returns the provider's schema object."""
    if shutil.which("terraform") is None:
        sys.exit("terraform is not on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "main.tf").write_text(
            'terraform {\n  required_providers {\n'
            f'    aws = {{ source = "hashicorp/aws", version = "{version}" }}\n'
            "  }\n}\n"
        )
        (tmp / "cli.tfrc").write_text(
            f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n'
        )
        env = dict(os.environ, TF_CLI_CONFIG_FILE=str(tmp / "cli.tfrc"), CHECKPOINT_DISABLE="1")
        subprocess.run(["terraform", "init", "-input=false", "-no-color"], cwd=tmp, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        out = subprocess.run(["terraform", "providers", "schema", "-json"], cwd=tmp, env=env,
                             check=True, capture_output=True).stdout
    schemas = json.loads(out)["provider_schemas"]
    return schemas["registry.terraform.io/hashicorp/aws"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--version", default="5.100.0")
    p.add_argument("--mirror", default="/opt/tf-plugins")
    args = p.parse_args()
    schema = provider_schema(args.version, args.mirror)
    lines = [f"# hashicorp/aws {args.version}: terraform providers schema -json, compacted by extract.py"]
    kinds = (("resource", "resource_schemas"), ("data", "data_source_schemas"),
             ("ephemeral", "ephemeral_resource_schemas"))
    for kind, key in kinds:
        for name, s in sorted(schema.get(key, {}).items()):
            body = {"version": s.get("version", 0), "block": compact_block(s["block"])}
            lines.append(f"{kind} {name} {json.dumps(body, separators=(',', ':'))}")
    text = ("\n".join(lines) + "\n").encode()
    target = HERE / f"aws-{args.version}.schema.gz"
    target.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    print(f"{target}: {len(schema['resource_schemas'])} resources, "
          f"{len(schema['data_source_schemas'])} data sources, "
          f"{len(schema.get('ephemeral_resource_schemas', {}))} ephemeral resources, {len(text)} bytes, "
          f"{target.stat().st_size} compressed")


if __name__ == "__main__":
    main()
