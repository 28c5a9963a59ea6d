"""arXiv LaTeX cleaning: comments, inputs, macro expansion, cuts, encodings and ids, on hand-written papers."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from pipeline.document import Document, make_doc_id
from pipeline.rejects import Reject, Skip
from pipeline.sources.arxiv import (
    ArxivRules,
    CleanedPaper,
    ExpansionLimit,
    arxiv_id,
    clean_paper,
    collect_macros,
    decode_tex,
    expand_macros,
    main_file,
    resolve_inputs,
    strip_comments,
    tokenize,
    want_member,
)


def expand(tex: str, rules: ArxivRules | None = None) -> tuple[str, Counter]:
    """Collect the definitions of `tex`, then expand its macros: (text, all counters)."""
    text, macros, counts = collect_macros(tex)
    text, more = expand_macros(text, macros, rules or ArxivRules())
    return text.strip(), counts + more


def paper(body: str, preamble: str = "") -> dict[str, bytes]:
    return {
        "main.tex": (
            f"\\documentclass{{article}}\n{preamble}\n\\begin{{document}}\n\\maketitle\n{body}\n\\end{{document}}\n"
        ).encode()
    }


def document(result: CleanedPaper) -> Document:
    assert isinstance(result.outcome, Document), result
    return result.outcome


# ---------------------------------------------------------------------------------------------------- tokens


def test_tokenize_gives_the_text_back_and_reads_control_words_whole():
    tex = "\\foo\\foobar{a}[b]*#1##\\%\\\\ % c\n\\verb|%x|\\begin{verbatim}%\\x{\n\\end{verbatim}\\"
    toks = tokenize(tex)
    assert "".join(toks) == tex
    assert "\\foo" in toks and "\\foobar" in toks
    assert "\\verb|%x|" in toks and "\\begin{verbatim}%\\x{\n\\end{verbatim}" in toks
    assert toks[-1] == "\\"


def test_tokenizer_is_linear_on_adversarial_input():
    nasty = "\\verb|" * 20000 + "\\url{" * 20000 + "\\foo{" * 20000 + "\\begin{verbatim}" + "x" * 1000
    start = time.perf_counter()
    assert "".join(tokenize(nasty)) == nasty
    text, macros, _ = collect_macros("\\newcommand\\foo[1]{<#1>}" + "\\foo{" * 20000 + "[" * 20000)
    expand_macros(text, macros)
    assert time.perf_counter() - start < 5


# -------------------------------------------------------------------------------------------------- comments


def test_escaped_percent_is_text():
    assert strip_comments("50\\% of it\n") == "50\\% of it\n"


def test_comment_line_goes_with_its_line_break():
    assert strip_comments("one\n% a comment line\n  %indented too\ntwo\n") == "one\ntwo\n"
    assert strip_comments("% first line\nbody") == "body"


def test_comment_at_line_end_keeps_the_character_before_it():
    assert strip_comments("word% tail\nnext") == "word\nnext"
    assert strip_comments("a=b%\n") == "a=b\n"  # RedPajama's `[^\\]%` pattern would eat the `b`
    assert strip_comments("text  % spaced comment\nnext") == "text\nnext"


def test_double_backslash_then_percent_is_a_line_break_then_a_comment():
    assert strip_comments("row\\\\% comment\nnext") == "row\\\\\nnext"
    assert strip_comments("a\\\\\\% b") == "a\\\\\\% b"  # \\ then \%


def test_percent_in_verbatim_is_not_a_comment():
    tex = "see \\verb|50%| and \\verb+a%b+ % gone\n\\begin{verbatim}\nx = 5 % 3\n\\end{verbatim}\n"
    tex += '\\begin{lstlisting}\nprintf("%d")\n\\end{lstlisting}\n\\url{http://x.org/a%20b}\n'
    out = strip_comments(tex)
    assert "\\verb|50%|" in out and "\\verb+a%b+" in out and "gone" not in out
    assert "x = 5 % 3" in out and 'printf("%d")' in out and "a%20b" in out


def test_comment_environment_is_dropped():
    assert strip_comments("a\n\\begin{comment}\nhidden\n\\end{comment}\nb") == "a\nb"


# ---------------------------------------------------------------------------------------------------- macros


def test_macro_without_arguments_is_expanded_and_its_definition_removed():
    text, counts = expand("\\newcommand{\\R}{\\mathbb{R}}\nLet $x \\in \\R$.")
    assert text == "Let $x \\in \\mathbb{R}$."
    assert counts["macros:defined"] == 1 and counts["macros:expanded"] == 1


def test_macros_with_one_two_three_arguments():
    text, _ = expand(
        "\\newcommand{\\one}[1]{<#1>}\\newcommand{\\two}[2]{(#1,#2)}\\newcommand*{\\three}[3]{#3#2#1}\n"
        "\\one{a} \\two{b}{c} \\three{x}{y}{z}"
    )
    assert text == "<a> (b,c) zyx"


def test_arguments_are_single_tokens_when_not_braced():
    text, _ = expand("\\newcommand\\pair[2]{(#1,#2)}\\pair ab \\pair\\alpha{\\beta} \\pair 12")
    assert text == "(a,b) (\\alpha,\\beta) (1,2)"


def test_optional_argument_default_and_override():
    text, _ = expand("\\newcommand{\\foo}[2][dflt]{#1/#2}\n\\foo{x} \\foo[given]{y} \\foo [{a]b}]{z}")
    assert text == "dflt/x given/y a]b/z"


def test_macro_name_matches_only_a_whole_control_word():
    text, _ = expand("\\newcommand{\\foo}{F}\\foo \\foobar \\foo2 \\foo{}x")
    assert text == "F \\foobar F2 Fx"


def test_expansion_never_glues_a_control_word_to_letters():
    text, _ = expand("\\newcommand{\\eps}{\\varepsilon}\\newcommand{\\sq}[1]{#1x}$\\eps{}y \\sq{\\alpha}$")
    assert text == "$\\varepsilon y \\alpha x$"


def test_nested_macros_and_macros_using_other_macros():
    text, _ = expand(
        "\\newcommand{\\vect}[1]{\\mathbf{#1}}\\newcommand{\\norm}[1]{\\lVert #1\\rVert}"
        "\\newcommand{\\nv}{\\norm{\\vect{v}}}\n$\\nv = \\norm{\\vect{\\nv}}$"
    )
    assert text == "$\\lVert \\mathbf{v}\\rVert = \\lVert \\mathbf{\\lVert \\mathbf{v}\\rVert}\\rVert$"


def test_renewcommand_overrides_and_providecommand_does_not():
    text, counts = expand(
        "\\newcommand{\\x}{old}\\renewcommand{\\x}{new}\\providecommand{\\x}{kept?}\\providecommand{\\y}{Y}\\x \\y"
    )
    assert text == "new Y"
    assert counts["macros:kept"] == 1


def test_def_without_and_with_undelimited_parameters():
    text, counts = expand("\\def\\x{ex}\\def \\pair#1#2{[#1|#2]}\\long\\def\\z{zed}\n\\x \\pair{a}{b} \\z")
    assert text == "ex [a|b] zed"
    assert counts["macros:defined"] == 3


def test_def_with_delimited_parameters_is_left_unexpanded_and_counted():
    text, counts = expand("\\def\\foo#1.{<#1>}\\def\\swap#1,#2\\end{#2#1}\nA \\foo x. B")
    assert text == "A \\foo x. B"
    assert counts["macros:delimited"] == 2 and counts["macros:unexpanded_delimited"] == 1


def test_declare_math_operator():
    text, _ = expand(
        "\\DeclareMathOperator{\\Tr}{Tr}\\DeclareMathOperator*{\\argmax}{arg\\,max}$\\Tr A, \\argmax_x$"
    )
    assert text == "$\\operatorname{Tr} A, \\operatorname*{arg\\,max}_x$"


def test_definitions_may_span_lines_and_omit_braces_around_the_name():
    tex = strip_comments(
        "\\newcommand\\block[1]{%\n  \\begin{center}\n    #1\n  \\end{center}%\n}\n\\block{hi}"
    )
    text, _ = expand(tex)
    assert text == "\\begin{center}\n    hi\n  \\end{center}"


def test_let_copies_a_user_macro():
    text, counts = expand(
        "\\newcommand{\\jdeq}{\\equiv}\\let\\judgeq\\jdeq\\let\\x=\\relax $a \\judgeq b$ \\x"
    )
    assert text == "\\let\\x=\\relax $a \\equiv b$ \\x"
    assert counts["macros:aliased"] == 1


def test_missing_arguments_leave_the_use_as_written():
    text, counts = expand("\\newcommand{\\two}[2]{#1#2}{\\two{a}}\n\\two ab")
    assert text == "{\\two{a}}\nab"
    assert counts["macros:missing_args"] == 1


def test_conditional_macros_are_not_expanded_branch_by_branch():
    text, counts = expand("\\def\\sm#1{\\@ifnextchar\\bgroup{\\sm{#1}}{\\sum_{#1}}}$\\sm{x}{y}$")
    assert text == "$\\sm{x}{y}$"
    assert counts["macros:unexpanded_conditional"] == 1


def test_structural_commands_are_never_taken_as_macros():
    text, counts = expand("\\renewcommand{\\section}[1]{\\textbf{#1}}\\section{Intro}")
    assert text == "\\section{Intro}"
    assert counts["macros:protected"] == 1


def test_recursive_macro_ends_fast_with_a_counted_limit():
    text, macros, _ = collect_macros("\\newcommand{\\a}{\\a\\a}\\a")
    start = time.perf_counter()
    with pytest.raises(ExpansionLimit) as caught:
        expand_macros(text, macros, ArxivRules())
    assert time.perf_counter() - start < 2
    assert caught.value.counters["expansion:limit"] == 1


def test_self_recursive_macro_that_does_not_grow_stops_at_the_depth_limit():
    text, counts = expand("\\newcommand{\\b}{x\\b}\\b", ArxivRules(max_expansion_depth=5))
    assert text == "xxxxx\\b"
    assert counts["expansion:depth_limit"] == 1


def test_recursive_paper_is_a_reject():
    result = clean_paper(paper("\\section{A}\n\\a", "\\newcommand{\\a}{\\a\\a}"), "1801.00001")
    assert isinstance(result.outcome, Reject) and result.outcome.reason == "expansion_limit"
    assert result.counters["expansion:limit"] == 1


def test_macros_are_collected_from_every_tex_file():
    files = paper("\\section{A}\nValue \\val.", "\\input{defs}")
    files["defs.tex"] = b"\\newcommand{\\val}{forty-two}\n"
    files["unused.tex"] = b"\\newcommand{\\other}{never inlined}\n"
    doc = document(clean_paper({**files, "x.tex": b"\\section{B} \\other"}, "p"))
    assert "Value forty-two." in doc.text and "\\newcommand" not in doc.text


# ---------------------------------------------------------------------------------------------------- inputs


def test_input_forms_are_inlined_in_order():
    texts = {
        "main.tex": "A\n\\input{sec}\nB\n\\input sec2\nC \\include{chap.tex}\n\\input{sub/deep}\nD\n",
        "sec.tex": "one",
        "sec2.tex": "two",
        "chap.tex": "three",
        "sub/deep.tex": "four \\input{sub/leaf}",
        "sub/leaf.tex": "five",
    }
    text, used, counts = resolve_inputs("main.tex", texts, ArxivRules())
    assert [w for w in text.split() if w.isalpha()] == [
        "A",
        "one",
        "B",
        "two",
        "C",
        "three",
        "four",
        "five",
        "D",
    ]
    assert used == ["main.tex", "sec.tex", "sec2.tex", "chap.tex", "sub/deep.tex", "sub/leaf.tex"]
    assert counts["inputs:resolved"] == 5


def test_inputs_relative_to_the_including_file_and_never_out_of_the_paper():
    texts = {"paper/main.tex": "\\input{parts/a}\\input{../../etc/passwd}", "paper/parts/a.tex": "\\input{b}"}
    texts["paper/parts/b.tex"] = "bee"
    text, used, counts = resolve_inputs("paper/main.tex", texts, ArxivRules())
    assert "bee" in text and used == ["paper/main.tex", "paper/parts/a.tex", "paper/parts/b.tex"]
    assert counts["inputs:missing"] == 1


def test_missing_input_is_tolerated_and_counted():
    text, used, counts = resolve_inputs("m.tex", {"m.tex": "x \\input{authors} y"}, ArxivRules())
    assert text == "x  y" and used == ["m.tex"] and counts["inputs:missing"] == 1


def test_input_cycle_is_cut_and_counted():
    texts = {"m.tex": "M\\input{a}", "a.tex": "A\\input{b}", "b.tex": "B\\input{a}\\input{m}"}
    text, used, counts = resolve_inputs("m.tex", texts, ArxivRules())
    assert "".join(text.split()) == "MAB"
    assert counts["inputs:cycle"] == 2


def test_inputs_too_deep_are_cut_and_counted():
    texts = {f"f{k}.tex": f"L{k} \\input{{f{k + 1}}}" for k in range(12)}
    text, used, counts = resolve_inputs("f0.tex", texts, ArxivRules(max_input_depth=3))
    assert text.split() == ["L0", "L1", "L2", "L3"]
    assert counts["inputs:too_deep"] == 1 and len(used) == 4


def test_input_in_a_comment_is_not_followed():
    text, used, _ = resolve_inputs("m.tex", {"m.tex": "% \\input{a}\n", "a.tex": "A"}, ArxivRules())
    assert used == ["m.tex"]


def test_subfile_document_gives_only_its_body():
    texts = {
        "m.tex": "\\input{s}",
        "s.tex": "\\documentclass[m]{subfiles}\\begin{document}body\\end{document}",
    }
    assert resolve_inputs("m.tex", texts, ArxivRules())[0].strip() == "body"


# ------------------------------------------------------------------------------------------------- main file


def test_main_file_is_the_document_not_the_inputs():
    texts = {
        "a_intro.tex": "\\section{I}",
        "paper.tex": "\\documentclass{article}\\begin{document}\\end{document}",
    }
    assert main_file(sorted(texts), texts) == "paper.tex"
    assert main_file(["x.tex"], {"x.tex": "% \\documentclass{article}\n"}) is None


def test_main_file_choice_between_two_documents():
    texts = {
        "letter.tex": "\\documentclass{letter}\\begin{document}Dear editor\\end{document}",
        "ms.tex": "\\documentclass{article}\\begin{document}\\input{body}\\end{document}",
        "body.tex": "\\section{Intro} " + "text " * 50,
    }
    assert main_file(texts, texts) == "ms.tex"
    # a file that another one inputs is not the main one, whatever its size
    texts2 = {"wrap.tex": "\\documentclass{x}\\begin{document}\\input{inner}\\end{document}"}
    texts2["inner.tex"] = "\\documentclass{x}\\begin{document}" + "long " * 100 + "\\end{document}"
    assert main_file(texts2, texts2) == "wrap.tex"
    # equal on everything: the name decides, whatever the order given
    same = {"b.tex": "\\documentclass{x}\\begin{document}\\end{document}", "a.tex": ""}
    same["a.tex"] = same["b.tex"]
    assert main_file(["b.tex", "a.tex"], same) == main_file(["a.tex", "b.tex"], same) == "a.tex"


# ------------------------------------------------------------------------------------------------------ cuts


@pytest.mark.parametrize(
    "heading",
    [
        "\\section{Intro}",
        "\\section*{Intro}",
        "\\section[Short]{Long title}",
        "\\chapter{Intro}",
        "\\part{One}",
        "\\subsection{Intro}",
        "\\subsubsection{Intro}",
        "\\paragraph{Intro}",
        "\\subparagraph{Intro}",  # RedPajama's regex missed a `|` here
    ],
)
def test_everything_before_the_first_section_is_removed(heading):
    body = f"\\begin{{abstract}}An abstract.\\end{{abstract}}\nFront matter.\n{heading}\nBody text."
    doc = document(clean_paper(paper(body), "1801.02634"))
    assert doc.text.startswith(heading) and doc.text.endswith("Body text.")
    assert "abstract" not in doc.text and "Front matter" not in doc.text


def test_no_section_is_a_skip():
    result = clean_paper(paper("Just a note, no headings.\n\\section without braces"), "p")
    assert result.outcome == Skip("dropped:no_section")


def test_bibliography_is_removed():
    body = (
        "\\section{A}\nText \\cite{k}.\n\\bibliographystyle{plain}\n\\bibliography{refs,more}\n"
        "\\begin{thebibliography}{9}\n\\bibitem{k} K. Author.\n\\end{thebibliography}\n"
        "\\printbibliography[heading=bibintoc]\n\\begin{references}\nR. Ef.\n\\end{references}\nAfter."
    )
    doc = document(clean_paper(paper(body), "p"))
    assert doc.text == "\\section{A}\nText \\cite{k}.\n\nAfter."


@pytest.mark.parametrize(
    "marker", ["\\appendix\n\\section{Proofs}", "\\begin{appendices}\n\\section{Proofs}"]
)
def test_appendices_kept_or_dropped_per_rule(marker):
    files = paper(f"\\section{{A}}\nMain.\n{marker}\nProof text.\n")
    assert "Proof text." in document(clean_paper(files, "p")).text
    assert ArxivRules().keep_appendices
    dropped = document(clean_paper(files, "p", ArxivRules(keep_appendices=False)))
    assert dropped.text == "\\section{A}\nMain." and "Proof" not in dropped.text


def test_text_after_end_document_is_dropped():
    files = {"m.tex": b"\\documentclass{a}\\begin{document}\\section{A} in\\end{document}\nout"}
    assert document(clean_paper(files, "p")).text == "\\section{A} in"


# ------------------------------------------------------------------------------------------------- encodings


def test_utf8_and_bom():
    assert decode_tex("caf\u00e9\r\nx".encode()) == ("caf\u00e9\nx", "utf-8")
    assert decode_tex(b"\xef\xbb\xbfabc") == ("abc", "utf-8")


def test_latin1_decoding():
    assert decode_tex(b"Erd\xf6s and G\xf6del") == ("Erd\u00f6s and G\u00f6del", "latin-1")


def test_cp1252_quotes_and_declared_encodings():
    assert decode_tex(b"\x93quoted\x94") == ("\u201cquoted\u201d", "cp1252")
    declared = b"\\usepackage[T1]{fontenc}\\usepackage[koi8-r]{inputenc}\n\xf0\xd2\xc9\xd7\xc5\xd4"
    assert decode_tex(declared)[1] == "koi8-r" and decode_tex(declared)[0].endswith(
        "\u041f\u0440\u0438\u0432\u0435\u0442"
    )
    assert decode_tex(b"\xe9", hint="iso8859-15") == ("\u00e9", "iso8859-15")


def test_binary_is_not_text():
    text, why = decode_tex(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert text is None and "NUL" in why
    assert decode_tex(bytes(range(1, 32)) * 20)[0] is None


def test_latin1_paper_is_cleaned_and_its_encoding_recorded():
    files = {"m.tex": b"\\documentclass{a}\\begin{document}\\section{A} Erd\xf6s\\end{document}"}
    doc = document(clean_paper(files, "p"))
    assert doc.text == "\\section{A} Erd\u00f6s" and doc.meta["encoding"] == "latin-1"


def test_undecodable_main_file_is_a_reject_and_other_files_are_left_out():
    files = {"m.tex": b"\\documentclass{a}\\begin{document}\x00\x01\\section{A}\\end{document}"}
    result = clean_paper(files, "p")
    assert isinstance(result.outcome, Reject) and result.outcome.reason == "bad_encoding"
    files = {**paper("\\section{A} ok \\input{blob}"), "blob.tex": b"\x00\x00binary"}
    result = clean_paper(files, "p")
    assert document(result).text == "\\section{A} ok"
    assert result.counters["files:bad_encoding"] == 1 and result.counters["inputs:missing"] == 1


# ------------------------------------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("astropy_v2.0_arXiv1801.02634", "1801.02634"),
        ("1801.02634v3.tar.gz", "1801.02634"),
        ("arXiv:2006.10256", "2006.10256"),
        ("src/1501.00001.gz", "1501.00001"),
        ("math.GT/0309136", "math/0309136"),
        ("math0309136.gz", "math/0309136"),
        ("hep-th9901001v2", "hep-th/9901001"),
        ("cond-mat/0001001", "cond-mat/0001001"),
        ("sympy_paper_2016draft", None),
        ("hott_book_macros", None),
        ("paper_1813.00001", None),  # month 13
    ],
)
def test_arxiv_id_forms(name, expected):
    assert arxiv_id(name) == expected


def test_want_member():
    assert want_member("a/b/Main.TEX") and want_member("1801.02634") and want_member("math0309136")
    assert not want_member("fig.pdf") and not want_member("refs.bib")


# ---------------------------------------------------------------------------------------------------- papers


def test_document_fields():
    files = paper("\\section{Intro}\nHello \\name.", "\\newcommand{\\name}{world}")
    result = clean_paper(files, "/data/src/1801.02634.tar.gz")
    doc = document(result)
    assert doc.id == make_doc_id("arxiv", "1801.02634.tar.gz", "paper") and doc.source == "arxiv"
    assert doc.url == "https://arxiv.org/abs/1801.02634"
    assert doc.meta == {
        "arxiv_id": "1801.02634",
        "yymm": "1801",
        "files": "main.tex",
        "main_file": "main.tex",
        "encoding": "utf-8",
    }
    assert doc.text == "\\section{Intro}\nHello world."
    assert doc.signals["macros_expanded"] == 1.0 and result.counters["macros:defined"] == 1
    assert list(result.counters) == sorted(result.counters) and all(result.counters.values())


def test_paper_without_id_has_no_url():
    doc = document(clean_paper(paper("\\section{A} x"), "some_folder"))
    assert doc.url is None and "arxiv_id" not in doc.meta


def test_rejects():
    assert clean_paper({"fig.png": b"\x89PNG"}, "p").outcome.reason == "no_tex"
    assert clean_paper({"a.tex": b"\\section{A} only an input"}, "p").outcome.reason == "no_main_file"
    assert clean_paper(paper("\\section{}\n\\newpage\\section*{}"), "p").outcome.reason == "empty_paper"
    assert (
        clean_paper(paper("\\section{A}x"), "p", ArxivRules(max_output_chars=10)).outcome.reason == "oversize"
    )


def test_bare_source_paper():
    doc = document(clean_paper({"1801.02634": paper("\\section{A} x")["main.tex"]}, "1801.02634.gz"))
    assert doc.text == "\\section{A} x" and doc.meta["main_file"] == "1801.02634"


def test_same_input_same_output_whatever_the_member_order():
    files = paper("\\section{A}\n\\input{b}\\input{c}", "\\newcommand\\q[1][x]{#1!}")
    files.update({"b.tex": b"B \\q", "c.tex": b"C \\q[y]"})
    first = clean_paper(files, "1801.02634")
    second = clean_paper(dict(reversed(list(files.items()))), "1801.02634")
    assert first == second and "B x!" in document(first).text and "C y!" in document(first).text


def test_url_in_a_macro_body_takes_its_parameter():
    text, _ = expand("\\newcommand{\\pkg}[1]{\\href{http://docs.org/#1/index.html}{#1}}\\pkg{io}")
    assert text == "\\href{http://docs.org/io/index.html}{io}"


def test_repeated_inputs_stop_at_the_size_limit():
    texts = {"m.tex": "\\input{a}" * 50, "a.tex": "x" * 100}
    text, used, counts = resolve_inputs("m.tex", texts, ArxivRules(max_output_chars=1000))
    assert counts["inputs:resolved"] == 5 and counts["inputs:size_limit"] == 45  # 450 + 5 * 100 <= 1000


def test_malformed_input_never_raises():
    import random

    pieces = [
        "\\newcommand", "\\def", "\\let", "\\DeclareMathOperator", "{", "}", "[", "]", "*", "#1", "##", "\\foo",
        "%", "\\%", "\\\\", "\n", " ", "ab", "\\section", "\\begin{document}", "\\end{document}", "\\verb|",
        "\\begin{verbatim}", "\\url{", "\\input{", "\\appendix", "\\bibliography{", "\\begin{thebibliography}",
        "\\", "\\@ifnextchar", "#", "\\documentclass{a}", "\u00e9",
    ]  # fmt: skip
    rng = random.Random(7)
    for _ in range(300):
        files = {
            name: "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60))).encode()
            for name in ("main.tex", "b.tex")[: rng.randint(1, 2)]
        }
        result = clean_paper(files, "1801.00001", ArxivRules(keep_appendices=rng.random() < 0.5))
        assert isinstance(result.outcome, Document | Reject | Skip)
