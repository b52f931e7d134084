#!/usr/bin/env python3
"""check-schema.py — validates likeness JSON output against a JSON Schema.

Usage: check-schema.py [--strict] SCHEMA FILE...

Each FILE is one JSON document or JSON Lines (one document per line, as
`scan --jsonl` and --resume files are); every document must be valid.
--strict also refuses properties the schema does not describe (it sets
additionalProperties to false on every object schema with properties), so
a test finds a field that was added to the output but not to the schema.
Exit status 0 when all are valid, 1 otherwise (each error printed), 2 when
the jsonschema module is missing.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("check-schema: python3-jsonschema is not installed", file=sys.stderr)
    sys.exit(2)


def strict(node):
    """Closes every object schema that lists its properties (but not the
    conditions of "if" and "not", which only test some properties)."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for k, v in node.items():
            if k not in ("if", "not"):
                strict(v)
    elif isinstance(node, list):
        for v in node:
            strict(v)


def documents(path):
    """The JSON documents of a file: the whole file, else each line."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def main(argv):
    args = argv[1:]
    closed = bool(args) and args[0] == "--strict"
    if closed:
        args = args[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as f:
        schema = json.load(f)
    if closed:
        strict(schema)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    bad = 0
    for path in args[1:]:
        docs = documents(path)
        if not docs:
            print(f"{path}: no JSON document", file=sys.stderr)
            bad += 1
        for n, doc in enumerate(docs, 1):
            for e in validator.iter_errors(doc):
                where = "/".join(str(p) for p in e.absolute_path)
                print(f"{path}: document {n}: {where}: {e.message}", file=sys.stderr)
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
