"""RedPajama's GitHub file filters and licence-header removal (filters/code.py)."""

from __future__ import annotations

import pytest

from filters.code import (
    EXTENSIONS,
    CodeThresholds,
    allowed_extension,
    code_drop_reason,
    code_stats,
    is_binary,
    is_generated,
    is_vendored,
    strip_license_header,
)

GOOD = "def greet(name):\n    message = 'hello ' + name\n    print(message)\n    return message\n"

# --- the whitelist ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["src/main.c", "x.h", "a/b.py", "lib.rs", "Makefile", "docker/Dockerfile", "build.dockerfile", "old.C",
     "old.H", "x.c++", "README.md", "index.html", "schema.sql", "run.sh", "Main.java", "app.tsx", "doc.rst",
     "paper.tex"],
)  # fmt: skip
def test_whitelisted(path):
    assert allowed_extension(path)


@pytest.mark.parametrize(
    "path",
    ["notes.txt", "package.json", "data.csv", "config.yaml", "image.png", "x.PY", "main.Go", "makefile",
     "LICENSE", "a.cxx", "x.ipynb"],
)  # fmt: skip
def test_not_whitelisted(path):
    assert not allowed_extension(path)


def test_whitelist_is_redpajamas():
    assert len(EXTENSIONS) == 66
    assert {".C", ".H", ".c", ".h", "Dockerfile", "Makefile", ".smali", ".m"} <= EXTENSIONS
    assert ".txt" not in EXTENSIONS and ".json" not in EXTENSIONS


# --- statistics and rules -----------------------------------------------------------------------------------


def test_stats_as_redpajama_computes_them():
    stats = code_stats("ab\ncdef\n")
    assert stats["line_count"] == 2
    assert stats["max_line_length"] == 4
    assert stats["avg_line_length"] == 8 / 2  # len(content) / lines, newlines included
    assert stats["alnum_prop"] == 6 / 8
    assert stats["alpha_per_token"] == 6 / 4  # pre-tokenizer pieces: "ab", "\n", "cdef", "\n"
    assert code_stats("") == {
        "line_count": 0,
        "max_line_length": 0,
        "avg_line_length": 0.0,
        "alnum_prop": 0.0,
        "alpha_per_token": 0.0,
    }


def test_good_code_is_kept():
    assert code_drop_reason(GOOD) is None


@pytest.mark.parametrize("content", ["", "   \n\t\n"])
def test_empty(content):
    assert code_drop_reason(content) == "dropped:empty"


def test_max_line_length_at_and_over_the_threshold():
    at = GOOD * 30 + "x = '" + "a" * 994 + "'\n"  # a 1000-character line among short ones
    assert code_stats(at)["max_line_length"] == 1000
    assert code_drop_reason(at) is None
    over = GOOD * 30 + "x = '" + "a" * 995 + "'\n"
    assert code_drop_reason(over) == "dropped:max_line_length"


def test_avg_line_length_at_and_over_the_threshold():
    line = "value = compute(alpha, beta) + " + "gamma " * 12  # cut to exactly 99 characters + newline
    line = line[:99] + "\n"
    assert code_stats(line * 5)["avg_line_length"] == 100
    assert code_drop_reason(line * 5) is None
    longer = (line[:-1] + "x\n") * 5
    assert code_stats(longer)["avg_line_length"] == 101
    assert code_drop_reason(longer) == "dropped:avg_line_length"


def test_alnum_prop_at_and_under_the_threshold():
    stats = {
        "line_count": 1,
        "max_line_length": 10,
        "avg_line_length": 10,
        "alnum_prop": 0.25,
        "alpha_per_token": 3,
    }
    assert code_drop_reason("x", stats) is None
    assert code_drop_reason("x", {**stats, "alnum_prop": 0.2499}) == "dropped:alnum_prop"
    symbols = ("{}[]();;==++--**" * 4 + "\n") * 20 + "ab\n"
    assert code_drop_reason(symbols) == "dropped:alnum_prop"


def test_alpha_per_token_at_and_under_the_threshold():
    stats = {
        "line_count": 1,
        "max_line_length": 10,
        "avg_line_length": 10,
        "alnum_prop": 0.9,
        "alpha_per_token": 1.5,
    }
    assert code_drop_reason("x", stats) is None
    assert code_drop_reason("x", {**stats, "alpha_per_token": 1.49}) == "dropped:alpha_per_token"
    # Mostly digits: few letters per token.
    numbers = "".join(
        "x = [" + ", ".join(str(i) for i in range(k, k + 10)) + "]\n" for k in range(100, 400, 10)
    )
    assert code_stats(numbers)["alnum_prop"] >= 0.25
    assert code_drop_reason(numbers) == "dropped:alpha_per_token"


def test_first_failing_rule_is_named():
    # Over every threshold at once: the max line length is checked first, as RP's order.
    assert code_drop_reason("{" * 5000) == "dropped:max_line_length"


def test_thresholds_are_a_frozen_dataclass_with_rp_defaults():
    t = CodeThresholds()
    assert (t.max_line_length, t.max_avg_line_length, t.min_alnum_prop, t.min_alpha_per_token) == (
        1000,
        100,
        0.25,
        1.5,
    )
    with pytest.raises(AttributeError):
        t.max_line_length = 5  # type: ignore[misc]
    assert code_drop_reason(GOOD, thresholds=CodeThresholds(max_line_length=10)) == "dropped:max_line_length"


# --- header removal -----------------------------------------------------------------------------------------


def test_c_block_header_is_cut():
    content = (
        "/*\n * Copyright (c) 2020 Foo Inc.\n * Licensed under the MIT License.\n */\n\n"
        "#include <stdio.h>\n\nint main(void) { return 0; }\n"
    )
    assert strip_license_header(content) == "#include <stdio.h>\n\nint main(void) { return 0; }\n"


def test_c_block_with_licence_word_only_is_cut():
    content = "/* This file is part of Foo, released under the BSD licence. */\nint x;\n"
    assert strip_license_header(content) == "int x;\n"


def test_cpp_line_comment_header():
    content = (
        "// Copyright (c) 2012 The Chromium Authors. All rights reserved.\n"
        "// Use of this source code is governed by a BSD-style license that can be\n"
        "// found in the LICENSE file.\n"
        "\n"
        "// Parses the widget format.\n"
        '#include "widget.h"\n'
    )
    assert strip_license_header(content) == '// Parses the widget format.\n#include "widget.h"\n'


def test_python_shebang_and_coding_kept_copyright_block_removed():
    content = (
        "#!/usr/bin/env python3\n"
        "# -*- coding: utf-8 -*-\n"
        "# Copyright 2020 Google LLC\n"
        "#\n"
        "# Licensed under the Apache License, Version 2.0 (the 'License');\n"
        "# you may not use this file except in compliance with the License.\n"
        "\n"
        '"""Module docstring stays."""\n'
        "import os\n"
    )
    assert strip_license_header(content) == (
        '#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"""Module docstring stays."""\nimport os\n'
    )


def test_python_docstring_is_kept_even_with_a_licence():
    content = '"""Copyright 2020 Foo. MIT licensed."""\nimport os\n'
    assert strip_license_header(content) == content


def test_shell_header():
    content = (
        "#!/bin/bash\n# SPDX-License-Identifier: MIT\n# Copyright 2021 Jane Doe\nset -euo pipefail\necho hi\n"
    )
    assert strip_license_header(content) == "#!/bin/bash\nset -euo pipefail\necho hi\n"


def test_sql_header():
    content = (
        "-- Copyright 2019 Acme Corp.\n-- Licensed under the Apache License 2.0\n\nSELECT id FROM users;\n"
    )
    assert strip_license_header(content) == "SELECT id FROM users;\n"


def test_include_first_file_is_unchanged():
    content = '#include "a.h"\n// Copyright 2020 Foo\n#define X 1\nint y;\n'
    assert strip_license_header(content) == content


def test_preprocessor_lines_end_the_comment_run():
    content = "// Copyright 2020 Foo, MIT license\n#pragma once\n#define X 1\n"
    assert strip_license_header(content) == "#pragma once\n#define X 1\n"


def test_first_comment_that_is_not_a_licence_is_kept():
    for content in [
        "# Build helper for the docs.\n# Run from the repository root.\n\nmake html\n",
        "// Utility functions\nint f(void);\n",
        "/* Utility functions */\nint f(void);\n",
        "int main() { return 0; } // Copyright 2020\n",
    ]:
        assert strip_license_header(content) == content, content


def test_code_after_the_header_keeps_its_indentation():
    content = "# Copyright 2020 Foo, MIT licence\n    indented = True\n"
    assert strip_license_header(content) == "    indented = True\n"
    assert strip_license_header("/* (c) 2020 Foo */ int x;\n") == "int x;\n"


def test_unterminated_block_is_left_alone():
    content = "/* Copyright 2020 Foo\nint x;\n"
    assert strip_license_header(content) == content


def test_markdown_heading_is_not_a_comment_when_the_path_says_markdown():
    content = "# License notes\n\nThis document is about licences.\n"
    assert strip_license_header(content, path="docs/notes.md") == content


def test_php_open_tag_is_kept():
    content = "<?php\n/*\n * Copyright 2020 Foo\n */\necho 1;\n"
    assert strip_license_header(content) == "<?php\necho 1;\n"


# --- vendored, generated, binary ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("node_modules/left-pad/index.js", True),
        ("web/vendor/lib.php", True),
        ("third_party/zlib/inflate.c", True),
        ("static/bower_components/x/x.js", True),
        ("static/js/app.min.js", True),
        ("assets/jquery-3.6.0.js", True),
        ("dist/bundle.js", True),
        ("src/app.js", False),
        ("vendoring.py", False),
        ("src/distance.c", False),
    ],
)
def test_is_vendored(path, expected):
    assert is_vendored(path) is expected


@pytest.mark.parametrize(
    ("path", "content", "expected"),
    [
        ("api/service_pb2.py", "x = 1\n", True),
        ("api/service.pb.go", "package api\n", True),
        ("package-lock.json", "{}", True),
        ("yarn.lock", "", True),
        ("gen/types.go", "// Code generated by protoc-gen-go. DO NOT EDIT.\npackage gen\n", True),
        ("x/y.cc", "// @generated by the build\nint x;\n", True),
        ("x/y.py", "# This file is autogenerated, edits will be lost\nx = 1\n", True),
        ("x/y.py", "x = 1\n" * 20 + "# autogenerated ids below\n", False),  # not in the first lines
        ("src/main.py", "print('generated report')\n", False),
    ],
)
def test_is_generated(path, content, expected):
    assert is_generated(path, content) is expected


def test_is_binary():
    assert is_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert is_binary(b"caf\xe9 latin-1 text")
    assert is_binary(b"text" + b"\x00" + b"more")
    assert not is_binary("héllo wörld\n".encode())
    assert not is_binary(b"")
    assert not is_binary(b"x" * 9000 + b"\x00")  # NUL only looked for in the first 8 KiB; still valid UTF-8


def test_the_ascii_pretokenizer_splits_ascii_text_as_the_unicode_one():
    import random

    from filters.code import ASCII_PRETOKENIZER, PRETOKENIZER

    rng = random.Random(0)
    alphabet = " \t\n\v\f\r\x1c\x1fabcXYZ019_'-=(){}\\\"sdtmlrev"
    texts = [
        "def f(x):\n    return x's  \n\n\t}",
        *("".join(rng.choices(alphabet, k=rng.randint(0, 60))) for _ in range(2000)),
    ]
    for text in texts:
        assert ASCII_PRETOKENIZER.findall(text) == PRETOKENIZER.findall(text), repr(text)
