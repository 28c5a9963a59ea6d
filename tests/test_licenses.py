"""Repository licence detection (filters/licenses.py) on licence files written here."""

from __future__ import annotations

import importlib.resources

import pytest

from filters.licenses import (
    CANDIDATE_KEYS,
    LicenseMatch,
    detect_license,
    is_license_file,
    license_allowed,
    license_section,
    match_text,
)

ALLOWED = ["apache-*", "bsd-*", "mit"]

MIT = """MIT License

Copyright (c) 2021 Jane Doe

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

BSD3 = """BSD 3-Clause License

Copyright (c) 2019-2023, Example Widgets Ltd.
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.

3. Neither the name of Example Widgets Ltd. nor the names of its
   contributors may be used to endorse or promote products derived from
   this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""


def spdx_text(spdx_id: str) -> str:
    """A licence text from the spdx package, for long licences (Apache, GPL) not worth writing out here."""
    return (importlib.resources.files("spdx") / "data" / f"{spdx_id}.txt").read_text(encoding="utf-8")


# --- one file -----------------------------------------------------------------------------------------------


def test_mit_copy_is_mit():
    match = match_text(MIT)
    assert (match.key, match.matcher, match.confidence) == ("mit", "exact", 100.0)


def test_markdown_and_crlf_copies_still_match():
    markdown = MIT.replace("MIT License\n", "# MIT License\n").replace('"AS IS"', "**“AS IS”**")
    assert match_text(markdown).key == "mit"
    assert match_text(MIT.replace("\n", "\r\n")).key == "mit"
    assert match_text("\ufeff" + MIT).key == "mit"


def test_bsd_copy_with_an_organisation_is_bsd_3_clause():
    match = match_text(BSD3)
    assert match.key == "bsd-3-clause" and match.matcher in ("exact", "dice")


def test_bsd_without_clause_3_is_bsd_2_clause():
    two = BSD3.replace("BSD 3-Clause License", "BSD 2-Clause License")
    two = two[: two.index("3. Neither")] + two[two.index("THIS SOFTWARE") :]
    assert match_text(two).key == "bsd-2-clause"


def test_mit_with_an_extra_clause_is_not_mit():
    extra = MIT.replace(
        "copies or substantial portions of the Software.\n",
        "copies or substantial portions of the Software.\n\n"
        "The Software shall not be used for military purposes or by any government agency.\n",
    )
    match = match_text(extra)
    assert match.key == "other" and match.matcher == "none"
    assert match.confidence < 98
    assert not license_allowed(match.key, ALLOWED)


def test_mit_without_its_notice_condition_is_not_mit():
    dropped = MIT.replace(
        "The above copyright notice and this permission notice shall be included in all\n"
        "copies or substantial portions of the Software.\n",
        "",
    )
    assert match_text(dropped).key == "other"


def test_bsd_with_one_clause_rewritten_is_not_bsd():
    rewritten = BSD3.replace(
        "Redistributions in binary form must reproduce the above copyright notice,\n"
        "   this list of conditions and the following disclaimer in the documentation\n"
        "   and/or other materials provided with the distribution.",
        "Redistributions in binary form are not permitted; source code of the software must be\n"
        "   provided with the documentation and the above copyright notice.",
    )
    assert match_text(rewritten).key == "other"


@pytest.mark.parametrize(
    ("licence", "old", "new"),
    [
        (BSD3, "source code must retain", "source code must not retain"),
        (MIT, "WITHOUT WARRANTY OF ANY KIND", "WITH WARRANTY OF ANY KIND"),
    ],
)
def test_negation_changed_with_the_same_words_is_not_the_licence(licence, old, new):
    # The word set is unchanged ("not" and "with" are elsewhere in the text): Dice, and even licensee's exact
    # matcher, would call it the licence; the word-order check does not.
    changed = licence.replace(old, new)
    assert changed != licence
    match = match_text(changed)
    assert match.key == "other" and match.confidence >= 98


def test_threshold_is_a_parameter():
    match = match_text(BSD3)  # the organisation's name is three words no BSD text has
    assert match.matcher == "dice" and 98 <= match.confidence < 100
    assert match_text(BSD3, threshold=99.5).key == "other"
    assert match_text(BSD3, threshold=99.5).confidence == match.confidence


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Licensed under the MIT license.", "mit"),
        ("The MIT License (MIT)", "mit"),
        ("Released under the Apache License 2.0", "apache-2.0"),
        ('Licensed under the Apache License, Version 2.0 (the "License").', "apache-2.0"),
        ("This project is distributed under the BSD 3-Clause License.", "bsd-3-clause"),
        ("Licensed under the GNU Lesser General Public License v3.0", "lgpl-3.0"),
        ("Distributed under the GNU General Public License, version 2", "gpl-2.0"),
        ("License: https://opensource.org/licenses/MIT", "mit"),
    ],
)
def test_short_file_that_names_its_licence(text, key):
    match = match_text(text)
    assert (match.key, match.matcher) == (key, "reference")


@pytest.mark.parametrize(
    "text",
    [
        "See LICENSE",
        "See the LICENSE file in the repository root.",
        "All use requires a written agreement with the authors.",
        "BSD",  # which BSD? not named
        "MIT License with the Commons Clause",  # restricted
        "Based on the MIT License, modified to forbid commercial use.",
        "Dual-licensed under the MIT license or the GNU General Public License v3.0.",  # two licences named
    ],
)
def test_short_file_that_names_no_single_licence_is_other(text):
    match = match_text(text)
    assert match.key == "other"
    assert not license_allowed(match.key, ALLOWED)


def test_long_text_is_not_a_reference():
    text = "This library is licensed under the MIT License.\n\n" + "Some other long prose about it. " * 60
    assert match_text(text).key == "other"


@pytest.mark.parametrize(
    ("line", "key", "keys"),
    [
        ("SPDX-License-Identifier: MIT", "mit", ("mit",)),
        ("// SPDX-License-Identifier: BSD-3-Clause", "bsd-3-clause", ("bsd-3-clause",)),
        ("/* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception */", "apache-2.0", ("apache-2.0",)),
        ("SPDX-License-Identifier: GPL-2.0-or-later", "gpl-2.0", ("gpl-2.0",)),
        ("SPDX-License-Identifier: Apache-2.0 OR MIT", "apache-2.0", ("apache-2.0", "mit")),
        ("SPDX-License-Identifier: MIT OR GPL-3.0-only", "other", ("gpl-3.0", "mit")),
        ("SPDX-License-Identifier: LicenseRef-Proprietary", "other", ("other",)),
    ],
)
def test_spdx_identifier(line, key, keys):
    match = match_text(line + "\n")
    assert (match.key, match.matcher, match.all_keys) == (key, "spdx", keys)


def test_copyright_only_file_is_no_licence():
    match = match_text("Copyright (c) 2020 Jane Doe\nCopyright (c) 2021 John Roe\n")
    assert (match.key, match.matcher) == (None, "copyright")


def test_bad_input_never_raises():
    for text in ["", "   \n", "\x00\x01\xff garbage \ufffd" * 1000, "a" * 400_000, "[" * 5000, "#" * 10_000]:
        match = match_text(text)
        assert isinstance(match, LicenseMatch) and match.key == "other"


def test_undecoded_bytes_in_a_repository_are_decoded_leniently():
    match = detect_license({"LICENSE": MIT.encode() + b"\xff\xfe", "README.md": b"\x00\x01"})
    assert match.key == "mit"


def test_candidates_use_licensee_keys():
    for key in ("mit", "apache-2.0", "bsd-2-clause", "bsd-3-clause", "gpl-3.0", "lgpl-2.1", "mpl-2.0"):
        assert key in CANDIDATE_KEYS


# --- README sections ----------------------------------------------------------------------------------------

README = """# Widgets

Widgets does things.

## Installation

pip install widgets

## License

This project is licensed under the MIT License - see the LICENSE.md file for details.

## Contributing

Pull requests welcome; GPL code cannot be accepted.
"""


def test_readme_licence_section():
    assert license_section(README) == (
        "This project is licensed under the MIT License - see the LICENSE.md file for details."
    )
    assert license_section("License\n=======\n\nReleased under the Apache License 2.0\n") == (
        "Released under the Apache License 2.0"
    )
    assert license_section("# Widgets\n\nNo licence section here.\n") is None


def test_readme_reference_decides_a_repository_without_licence_file():
    match = detect_license({"README.md": README, "src/main.py": "print(1)\n"})
    assert (match.key, match.matcher, match.file) == ("mit", "reference", "README.md")


def test_readme_section_that_points_elsewhere_is_no_licence():
    readme = "# Widgets\n\n## License\n\nSee [LICENSE](LICENSE).\n"
    assert detect_license({"README.md": readme}).key is None


def test_readme_with_licence_text_in_its_section():
    readme = "# Widgets\n\n## License\n\n" + MIT[MIT.index("Copyright") :]
    assert detect_license({"README": readme}).key == "mit"


# --- repositories -------------------------------------------------------------------------------------------


def test_no_licence_file():
    match = detect_license({"main.c": "int main(){}", "docs/LICENSE": MIT})
    assert match == LicenseMatch(None, 0.0, None, "none")


def test_licence_file_decides_and_names_the_file():
    match = detect_license({"LICENSE": MIT, "src/app.py": "x = 1\n"})
    assert (match.key, match.file, match.all_keys) == ("mit", "LICENSE", ("mit",))


def test_copyright_file_beside_a_licence_does_not_count():
    files = {"COPYRIGHT.md": "Copyright (c) 2017 Jane Doe\n", "LICENSE.txt": MIT}
    assert detect_license(files).key == "mit"
    only = detect_license({"COPYRIGHT": "Copyright (c) 2017 Jane Doe\n"})
    assert (only.key, only.matcher, only.file) == (None, "copyright", "COPYRIGHT")


def test_unnamed_licence_file_is_other():
    match = detect_license({"LICENSE": "You may look at this code but not use it.\n"})
    assert (match.key, match.file) == ("other", "LICENSE")
    assert not license_allowed(match.key, ALLOWED)


def test_dual_permissive_licence_is_kept_with_both_keys():
    files = {"LICENSE-MIT": MIT, "LICENSE-APACHE": spdx_text("Apache-2.0")}
    match = detect_license(files)
    # Both files score 0.70 (licensee's LICENSE-* score); the tie goes to the path that sorts first.
    assert (match.key, match.file, match.all_keys) == ("apache-2.0", "LICENSE-APACHE", ("apache-2.0", "mit"))
    assert license_allowed(match.key, ALLOWED)
    strict = detect_license(files, dual_permissive=False)
    assert (strict.key, strict.matcher, strict.file) == ("other", "conflict", None)


def test_licences_that_differ_are_other():
    match = detect_license({"LICENSE": MIT, "COPYING": spdx_text("GPL-3.0")})
    assert (match.key, match.matcher, match.all_keys) == ("other", "conflict", ("gpl-3.0", "mit"))
    assert not license_allowed(match.key, ALLOWED)


def test_readme_that_disagrees_with_the_licence_file_is_other():
    readme = "# X\n\n## License\n\nGNU General Public License v3.0\n"
    assert detect_license({"LICENSE": MIT, "README.md": readme}).key == "other"


def test_lgpl_beside_gpl_is_lgpl():
    files = {"COPYING": spdx_text("GPL-3.0"), "COPYING.lesser": spdx_text("LGPL-3.0")}
    assert detect_license(files).key == "lgpl-3.0"


def test_licenses_folder():
    assert detect_license({"LICENSES/MIT.txt": MIT}).key == "mit"
    two = detect_license({"LICENSES/MIT.txt": MIT, "LICENSES/GPL-3.0.txt": spdx_text("GPL-3.0")})
    assert two.key == "other"


def test_same_answer_whatever_the_mapping_order():
    files = {"LICENSE-MIT": MIT, "LICENSE-APACHE": spdx_text("Apache-2.0"), "README.md": README}
    forward = detect_license(files)
    backward = detect_license(dict(reversed(list(files.items()))))
    assert forward == backward


def test_preferred_file_wins_when_licences_agree():
    match = detect_license({"LICENSE.md": MIT, "LICENSE": MIT, "COPYING": MIT})
    assert (match.key, match.file) == ("mit", "LICENSE")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("LICENSE", True),
        ("LICENCE", True),
        ("license.md", True),
        ("LICENSE.txt", True),
        ("LICENSE.rst", True),
        ("COPYING", True),
        ("COPYING.md", True),
        ("UNLICENSE", True),
        ("LICENSE-MIT", True),
        ("MIT-LICENSE", True),
        ("PATENTS", True),
        ("licenses/MIT.txt", True),
        ("LICENSES/Apache-2.0.txt", True),
        ("./LICENSE", True),
        ("README.md", True),
        ("README", True),
        ("readme.rst", True),
        ("LICENSE.header", False),
        ("LICENSE.spdx", False),
        ("src/LICENSE", False),
        ("docs/README.md", False),
        ("licenses/third/MIT.txt", False),
        ("README.html", False),
        ("main.py", False),
    ],
)
def test_is_license_file(path, expected):
    assert is_license_file(path) is expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("mit", True),
        ("MIT", True),
        ("apache-2.0", True),
        ("bsd-2-clause", True),
        ("bsd-3-clause-clear", True),
        ("mit-0", False),
        ("gpl-3.0", False),
        ("lgpl-2.1", False),
        ("mpl-2.0", False),
        ("isc", False),
        ("other", False),
        (None, False),
        ("", False),
    ],
)
def test_license_allowed(key, expected):
    assert license_allowed(key, ALLOWED) is expected


def test_license_allowed_other_is_never_allowed():
    assert not license_allowed("other", ["*"])
    assert license_allowed("mit-0", ["mit*"])
