"""Checks a STIX 2.1 bundle with the independent stix2 libraries.

Usage: check_stix.py BUNDLE.json

Runs the OASIS stix2-validator over the bundle (STIX 2.1, every optional check on) and
parses it with the stix2 library. Prints one JSON object: the validator's errors and
warnings, the number of objects stix2 parsed and, if parsing failed, why. Exits 0 when it
could run; the test decides what the findings mean.
"""

import json
import sys

import stix2
from stix2validator import ValidationOptions, validate_file


def main(path):
    options = ValidationOptions(version="2.1", strict=False)
    results = validate_file(path, options)
    errors = []
    warnings = []
    for result in results.object_results:
        for error in result.errors:
            errors.append(f"{result.object_id}: {error}")
        for warning in result.warnings:
            warnings.append(f"{result.object_id}: {warning}")
    for error in getattr(results, "fatal", None) and [results.fatal] or []:
        errors.append(f"fatal: {error}")
    parsed = 0
    parse_error = None
    try:
        with open(path, encoding="utf-8") as handle:
            bundle = stix2.parse(handle.read(), allow_custom=False)
        parsed = len(bundle.objects)
    except Exception as error:  # report any failure to the test, with its reason
        parse_error = f"{type(error).__name__}: {error}"
    print(json.dumps({
        "valid": results.is_valid,
        "errors": errors,
        "warnings": warnings,
        "parsed": parsed,
        "parse_error": parse_error,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
