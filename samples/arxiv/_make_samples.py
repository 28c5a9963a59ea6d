"""Write the arXiv samples: eight short fictional papers in the layouts the arXiv reader reads.

    .venv/bin/python samples/arxiv/_make_samples.py

Every paper, every sentence and every bibliography entry here was written for this project (no arXiv text is
copied; the authors, journals and cited works are invented). Outputs are byte-deterministic: tar members
sorted, each with mtime 0, uid/gid 0, no user or group name, ustar format; gzip with mtime 0. What each
exercises in `pipeline.sources.arxiv` (`read_paper` / `read_bulk_dump`, then `clean_paper`), and its outcome:

* `2401.00001.tar.gz` "Adaptive Sampling for Sparse Sensor Grids": a multi-file paper, files at the tar's top
  level: `main.tex`, `sections/intro.tex`, `sections/method.tex`, `refs.bib` and `fig1.png` (neither read:
  not .tex, counted files:not_read 2). main.tex has a preamble with `\\usepackage` lines and user macros: the
  zero-argument `\\R`, the two-argument `\\norm` (`\\norm{x}{2}` -> `\\left\\| x \\right\\|_{2}`), `\\pr` with an
  optional first argument defaulting to P (used as `\\pr{..}` -> `P\\left(..\\right)` and `\\pr[Q]{..}` ->
  `Q\\left(..\\right)`), a definition spread over three lines with `{%` / `%` line ends (`\\risk`),
  `\\def\\eps{\\varepsilon}` (used as `\\eps{}-net`: the `{}` goes), `\\DeclareMathOperator{\\argmin}{arg\\,min}`
  (-> `\\operatorname{arg\\,min}`), `\\newcommand{\\grid}{G}` overridden by `\\renewcommand{\\grid}{\\mathcal{G}}`,
  and `\\def\\pair(#1,#2){..}` with delimited parameters (removed, its one use `\\pair(u,v)` left as written:
  macros:delimited 1, macros:unexpanded_delimited 1). Before the first `\\section` (cut): `\\title`,
  `\\author`, `\\maketitle`, an abstract. `\\input{sections/intro}` and `\\include{sections/method.tex}` are
  inlined, `\\input{sections/missing}` names no file (tolerated: inputs:missing 1, inputs:resolved 2).
  Comments in every form: whole-line `%` lines (gone with their line break), `text % comment` (the text
  stays), `50\\% of` (text, not a comment), `\\\\% comment` after a line break in an align (the `\\\\` stays),
  a `%` ending a line; a `verbatim` block whose `%` is text and stays. `\\appendix` and an appendix section
  (kept: keep_appendices defaults to True); `\\bibliographystyle{plain}` + `\\bibliography{refs}` (removed).
  Outcome: a Document, main_file main.tex, files main.tex,sections/intro.tex,sections/method.tex.
* `2401.00002.gz` "Poincare Recurrence for Billiards in Polygons with Rational Angles": arXiv's bare-gzip
  paper, a gzip of one .tex whose header names it `ms.tex` (ignored: the member is `2401.00002`, read as a
  bare source, files:bare_source 1). ISO-8859-1 bytes (`Poincar\\xe9`, `M\\xfcller`, `\\xc5ngstr\\xf6m`; no byte in
  0x80-0x9F) declared by `\\usepackage[latin1]{inputenc}`: encoding:latin-1. A `thebibliography` environment
  at the end (removed: cut:bibliography 1). Outcome: a Document.
* `2401.00003.tex` "A Note on Bracket Sequences": a plain .tex paper. A `macros` block after
  `\\documentclass` (under a `% ---- macros ----` banner) with nested macros: `\\dyckcount` uses `\\dyck` and
  `\\catalan`, `\\dyck` uses `\\Dyck` (three levels), a `\\providecommand` of an already-defined `\\Dyck`
  (ignored: macros:kept 1), `\\let\\D\\Dyck` (macros:aliased 1). The body starts at `\\section*{Introduction}`
  (the abstract before it is cut); a `\\subsection` and a `\\paragraph`. Outcome: a Document.
* `numerics-note_arXiv2401.00004/`: a folder, one paper (id 2401.00004 from the folder name) "Error Bounds
  for Compensated Horner Evaluation in Half Precision": `paper.tex` (the main file, `\\input{defs}` in its
  preamble), `cover-letter.tex` (`\\documentclass{letter}` and `\\begin{document}` too, much shorter: the
  main-file choice must pick paper.tex by the text reachable from it), `defs.tex` (only `\\newcommand`s).
  The cover letter defines `\\method` as "our new algorithm" and defs.tex as "compensated Horner scheme":
  files not inlined are collected first, so the paper's own definition wins. Outcome: a Document,
  files paper.tex,defs.tex.
* `2401.00005.tar.gz` "Remarks on a greedy colouring heuristic": `note.tex` with `\\begin{document}` prose
  `\\end{document}` and no sectioning command at all: a Skip `dropped:no_section`.
* `2401.00006.tar.gz` "Stability of a Damped Spring Lattice": a hostile tar: members `../../escape.tex` and
  `/tmp/abs.tex` (skipped:unsafe_path 2), a symlink `link.tex -> /etc/passwd` (skipped:link 1), and
  `main.tex`, a real paper otherwise, which defines `\\newcommand{\\loop}{\\loop\\loop}` and uses it once in
  its body: a Reject `expansion_limit` in milliseconds (the size budget, 64 KiB of substituted text).
* `arXiv_src_2401_001.tar`: a bulk-dump tar (plain, uncompressed) with members, in order:
  `2401/2401.00007.gz` (a gzip of a tar of a two-file paper "Waiting Times in a Two-Server Queue with a
  Shared Buffer": `main.tex` inputs `results.tex`; a Document), `2401/2401.00008.gz` (a gzip of one .tex,
  "Counting Tilings of a Strip with Squares and Dominoes"; a bare source, a Document) and
  `2401/2401.00009.pdf` (a few bytes of PDF: a paper without sources, Skip `skipped:pdf_only`).

The outcomes and counters are checked by running the reader over these files (see the printout of
`check()` below: `.venv/bin/python samples/arxiv/_make_samples.py --check`).
"""

from __future__ import annotations

import gzip
import io
import shutil
import sys
import tarfile
from pathlib import Path

OUT = Path(__file__).resolve().parent


# --- 2401.00001: a multi-file paper -----------------------------------------------------------------------

P1_MAIN = r"""\documentclass[11pt]{article}
\usepackage{amsmath,amssymb,amsthm}
\usepackage{graphicx}
\usepackage[margin=1in]{geometry}

% ---------------------------------------------------------------------
% Notation used throughout. Keep this block in sync with the slides.
% ---------------------------------------------------------------------
\newcommand{\R}{\mathbb{R}}
\newcommand{\norm}[2]{\left\| #1 \right\|_{#2}}
\newcommand{\pr}[2][P]{#1\left(#2\right)}
\newcommand{\risk}[1]{%
  \mathbb{E}\left[ \ell\left(#1\right) \right]%
}
\def\eps{\varepsilon}
\DeclareMathOperator{\argmin}{arg\,min}
\newcommand{\grid}{G}
\renewcommand{\grid}{\mathcal{G}} % the grid is a set of cells, not a graph
\def\pair(#1,#2){\left\langle #1, #2 \right\rangle}

\newtheorem{lemma}{Lemma}
\newtheorem{theorem}{Theorem}

\title{Adaptive Sampling for Sparse Sensor Grids}
\author{Ilse Brandvold \and Tomasz Reiner}

\begin{document}
\maketitle

\begin{abstract}
We study how to spend a fixed reading budget on a large grid of cheap sensors when only a few cells carry
signal. Our scheme reads a coarse sketch first and then refines where the sketch is uncertain.
\end{abstract}

\input{sections/intro}
\include{sections/method.tex}
\input{sections/missing} % the related-work section was dropped in v2

\section{Experiments}
We placed $n = 4096$ sensors on a $64 \times 64$ grid \grid{} over a field of about two hectares and
planted between three and twelve sources of signal at random cells. Each round the scheme may read 50\% of
the cells it read in the round before, so the budget shrinks geometrically and the whole run costs less
than twice the first round. % TODO: rerun with the corrected clock
Figure~\ref{fig:error} shows the error $\norm{\hat{x} - x}{2}$ against the number of readings.

\begin{figure}[t]
  \centering
  \includegraphics[width=0.6\linewidth]{fig1.png}
  \caption{Reconstruction error against readings, averaged over 200 fields.}
  \label{fig:error}
\end{figure}

With twelve sources the adaptive scheme reached the error of uniform sampling with roughly a third of the
readings. With three sources the gap was wider still: a coarse sketch finds a lonely source at once, and
nearly every later reading lands close to it. The one setting where adaptivity did not help was the
densest one we tried, where a source sat in about one cell in twenty; there the sketch is uncertain
everywhere, the refinement step reads nearly uniformly, and the two schemes coincide, as they should.%
We also measured the wall-clock cost of choosing the next cells. Selecting the refinement set takes one
pass over the sketch, so the overhead stayed below one percent of the time spent waiting on the sensors.

\appendix
\section{Proof of Lemma~\ref{lem:cover}}
Fix a round $t$ and let $S_t \subseteq \grid$ be the cells read in it. A source at cell $c$ is missed only
if every cell within distance $r$ of $c$ is left out of $S_t$, which happens with probability at most
$(1 - \rho)^{r^2}$ when each cell is kept independently with probability $\rho$. A union bound over the at
most $k$ sources gives $\pr{\text{miss}} \le k (1 - \rho)^{r^2}$, and the choice $\rho = \eps$ with
$r^2 \ge \eps^{-1} \log(k / \delta)$ makes this at most $\delta$. The same argument under the sketch's
distribution $Q$ bounds $\pr[Q]{\text{miss}}$, since $Q$ only moves mass towards uncertain cells.

\bibliographystyle{plain}
\bibliography{refs}

\end{document}
"""

P1_INTRO = r"""\section{Introduction}
% This section follows the structure suggested by the second reviewer.
Dense arrays of inexpensive sensors are now easy to deploy, but reading them is not free: each reading
costs energy, radio time and, in the field, the patience of whoever carries the receiver. When the quantity
of interest is sparse, most readings are spent confirming that nothing happens. This note asks how much of
that budget an adaptive scheme can save, and when it saves nothing at all.

We model the field as a vector $x \in \R^n$ indexed by the cells of a grid \grid, with at most $k$ nonzero
entries, and we read it through noisy point samples. A scheme chooses which cells to read in rounds, and
may use the readings of earlier rounds to decide. The quality of its estimate $\hat{x}$ is measured by
$\norm{\hat{x} - x}{2}$, where $\norm{x}{2}$ is the Euclidean length of $x$, and its cost by the
number of readings. % not the number of rounds

Our contribution is a simple two-phase scheme: a sparse random sketch followed by refinement where the
sketch is uncertain. We show that it is never much worse than uniform sampling and that, for well separated
sources, it needs a number of readings that grows with $k$ rather than with $n$. The analysis rests on an
\eps{}-net argument over the sketch, given in Section~\ref{sec:method}.
"""

P1_METHOD = r"""\section{Method}
\label{sec:method}

\subsection{The sketch}
In the first round each cell is read independently with probability $\rho$. From the readings we form, for
every cell, a posterior weight $w_c$ that a source lies within distance $r$ of it. The sketch is the vector
of these weights, and its uncertainty at a cell is $w_c (1 - w_c)$.

\subsection{Refinement}
Later rounds read the cells of highest uncertainty first. Formally the estimate after round $t$ is
\begin{align}
  \hat{x}_t &= \argmin_{z \in \R^n} \norm{y_t - A_t z}{2}^2 + \lambda \norm{z}{1} \\% the usual lasso
  \rho_{t+1} &= \tfrac{1}{2} \rho_t ,
\end{align}
where $A_t$ selects the cells read so far and $y_t$ holds their readings. The expected loss of a round is
$\risk{\hat{x}_t - x}$, and the probability that a cell is chosen is written $\pr{c \in S_t}$; under the
sketch's distribution it is $\pr[Q]{c \in S_t}$. For two rounds $u$ and $v$ we write $\pair(u,v)$ for the
overlap of their reading sets.

\begin{lemma}\label{lem:cover}
If $r^2 \ge \eps^{-1} \log(k/\delta)$, the sketch misses no source with probability at least
$1 - \delta$.
\end{lemma}

The scheme is configured by a small file; a typical one reads
\begin{verbatim}
budget   = 0.25   % of all cells, first round
rounds   = 6
radius   = 3      % in cells
\end{verbatim}
and the remaining parameters are derived from these three.
"""

P1_BIB = r"""@article{brandvold2022grids,
  author  = {Brandvold, Ilse},
  title   = {Cheap sensors, expensive readings},
  journal = {Journal of Field Instrumentation},
  year    = {2022},
  volume  = {14},
  pages   = {101--117}
}

@inproceedings{reiner2023sketch,
  author    = {Reiner, Tomasz and Okafor, Adaeze},
  title     = {Sketch-then-refine estimators for sparse fields},
  booktitle = {Proceedings of the Workshop on Sampling Theory},
  year      = {2023}
}
"""

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x00\x00\x00\x00W\xdd"
    b"R\xf8\x00\x00\x00\x0eIDATx\x9cc\xf8\xff\x9f\xe1?\x00\x07\xfc\x02\xfe\xa7\x07\x9c\x1c\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


# --- 2401.00002: a bare gzip of one Latin-1 .tex ------------------------------------------------------------

P2_TEX = r"""\documentclass{article}
\usepackage[latin1]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{amsmath,amssymb}

\title{Poincaré Recurrence for Billiards in Polygons with Rational Angles}
\author{Sølve Haraldsen}

\begin{document}
\maketitle

\begin{abstract}
We give an elementary proof that almost every billiard trajectory in a rational polygon returns
arbitrarily close to its starting point, with an explicit bound on the first return time.
\end{abstract}

\section{Introduction}
A billiard in a polygon $Q$ moves a point at unit speed inside $Q$ and reflects it at the boundary, angle
of incidence equal to angle of reflection. When every angle of $Q$ is a rational multiple of $\pi$, the
directions a trajectory can take form a finite group, and the phase space splits into invariant surfaces.
On each of them the flow preserves area, so Poincaré's recurrence theorem applies at once: almost every
point returns arbitrarily close to where it started.

The theorem says nothing about how long the return takes. Our aim is a bound that depends only on the
angles and the area of $Q$, and on how close the return is required to be. The method follows a lemma of
Müller~\cite{mueller} on translation surfaces, which we restate in a form suited to polygons.

\section{The unfolding}
Reflect $Q$ across each side in turn, and glue the copies along the sides across which they were
reflected. For a rational polygon only finitely many copies arise, say $N$ of them, where $N$ is twice the
least common denominator of the angles divided by $\pi$. The glued surface $S$ carries a flat metric with
finitely many cone points, and billiard trajectories in $Q$ lift to straight lines on $S$.

Fix a direction $\theta$ and a radius $\varepsilon > 0$. The straight-line flow on $S$ in direction $\theta$
preserves the area of $S$, which is $N$ times the area of $Q$. A disc of radius $\varepsilon$ has area
$\pi \varepsilon^2$, so by the pigeonhole form of the recurrence argument some point of the disc returns
to it within time
\[
  T(\varepsilon) \le \frac{N \, \operatorname{area}(Q)}{2 \varepsilon} :
\]
in time $T$ the disc sweeps a strip of width $2\varepsilon$ and area $2\varepsilon T$, and once that area
exceeds the area of $S$ the strip must overlap itself.

\section{From some points to almost every point}
The bound above holds for some point of every disc; Müller's lemma upgrades it. It states that on a
translation surface the set of points whose first return to an $\varepsilon$-disc takes longer than
$C \, T(\varepsilon)$ has measure at most $\operatorname{area}(S)/C$. Letting $C$ grow slowly as
$\varepsilon$ shrinks gives the almost-everywhere statement with an explicit, if generous, rate.

We do not know whether the factor $N$ is needed. For the square, where $N = 4$, numerical experiments by
Ångström and Lindqvist~\cite{angstrom} suggest that the true return time is closer to
$\operatorname{area}(Q)/\varepsilon^2$, without the factor. For polygons with many sides of irrational
length the question seems open.

\begin{thebibliography}{9}
\bibitem{mueller} K.~Müller, \emph{Wiederkehr auf Translationsflächen}, Mitteilungen des Seminars für
  Dynamik \textbf{7} (2011), 33--48.
\bibitem{angstrom} E.~Ångström and P.~Lindqvist, \emph{Return times in square billiards, numerically},
  Nordic Journal of Experimental Mathematics \textbf{3} (2019), 1--12.
\end{thebibliography}

\end{document}
"""


# --- 2401.00003: a plain .tex with nested macros -----------------------------------------------------------

P3_TEX = r"""\documentclass{amsart}
% ---- macros ----
\newcommand{\Dyck}{\mathcal{D}}
\providecommand{\Dyck}{\mathcal{W}}
\let\D\Dyck
\newcommand{\word}[1]{\texttt{#1}}
\newcommand{\dyck}[1]{\Dyck_{#1}}
\newcommand{\catalan}[1]{\frac{1}{#1+1}\binom{2#1}{#1}}
\newcommand{\dyckcount}[1]{\left|\dyck{#1}\right| = \catalan{#1}}
\newcommand{\height}[1]{h\!\left(#1\right)}
% ---- end macros ----

\begin{document}
\title{A Note on Bracket Sequences}
\author{Marguerite Ollivant}
\begin{abstract}
We record a short bijective proof that balanced bracket sequences of length $2n$ are counted by the
Catalan numbers, and note a refinement by the maximal nesting depth.
\end{abstract}
\maketitle

\section*{Introduction}
A bracket sequence is a word over the two letters \word{(} and \word{)}. It is balanced when every prefix
has at least as many opening as closing brackets and the whole word has equally many of each. We write
$\D_n$ for the set of balanced sequences with $n$ pairs, so $\dyck{3}$ contains \word{((()))},
\word{(()())}, \word{(())()}, \word{()(())} and \word{()()()}. The classical count is
\[
  \dyckcount{n} .
\]
Many proofs are known; the one below is chosen because it also tracks the height of a sequence, the
largest number of brackets open at once, which we write $\height{w}$.

\subsection{The cycle lemma}
Take any word $w$ with $n+1$ closing and $n$ opening brackets, and read it as a walk that steps up on
\word{(} and down on \word{)}. The walk ends at $-1$. Among the $2n+1$ cyclic rotations of $w$, exactly
one stays at or above zero until its very last step, namely the rotation that starts just after the first
time the walk reaches its minimum. Removing that final closing bracket leaves a balanced word. Conversely
every balanced word, followed by one closing bracket, arises from exactly $2n+1$ words in this way.

Since there are $\binom{2n+1}{n}$ words with $n+1$ closing brackets, we get
$\left|\dyck{n}\right| = \frac{1}{2n+1}\binom{2n+1}{n}$, which equals $\catalan{n}$.

\paragraph{A refinement by height.}
The rotation in the cycle lemma does not change which brackets match which, it only moves where the word
is cut. The height of the balanced word can therefore be read off the original walk: it is the largest rise
of the walk above its first minimum, measured cyclically. Since each balanced word comes from exactly
$2n+1$ walks, all with the same cyclic rise, counting the walks whose cyclic rise is at most $h$ and
dividing by $2n+1$ gives the number of sequences in $\dyck{n}$ with $\height{w} \le h$. For $h = 1$ only \word{()()()} and its analogues survive, one for
each $n$; for $h = 2$ the count is $2^{n-1}$, because each pair either stands alone or is nested once
inside its neighbour.

\paragraph{Open questions.}
We do not know a bijective proof of the generating function for sequences of height at most $h$, which is
a ratio of Chebyshev polynomials. A proof that works by rotation, as above, would be welcome. It is
also natural to ask how the height behaves for a sequence drawn uniformly from $\dyck{n}$: the answer is
known to grow like $\sqrt{\pi n}$, but every proof we know passes through the generating function, and we
would like one that stays with the words themselves.

\end{document}
"""


# --- numerics-note_arXiv2401.00004/: a folder, main file chosen over a cover letter ------------------------

P4_PAPER = r"""\documentclass{article}
\usepackage{amsmath,amssymb}
\input{defs}

\begin{document}
\title{Error Bounds for Compensated Horner Evaluation in Half Precision}
\author{Rosalind Achterberg \and Kenji Maruyama}
\maketitle

\begin{abstract}
The \method{} evaluates a polynomial as if in twice the working precision. We check how much of this
survives in IEEE half precision, where the unit roundoff is only $2^{-11}$ and overflow is close at hand.
\end{abstract}

\section{Background}
Let $p(x) = \sum_{i=0}^{n} a_i x^i$ be evaluated by Horner's rule in floating-point arithmetic with unit
roundoff \unit. The computed value satisfies the classical bound
\[
  \abs{p(x) - \fl(p(x))} \le \gam{2n} \, \tilde{p}(\abs{x}),
\]
where $\tilde{p}$ has the absolute values of the coefficients and $\gam{k} = k\unit/(1 - k\unit)$. The
\method{} computes the rounding error of every multiplication and addition with error-free
transformations, accumulates these errors in a second Horner recurrence, and adds the correction at the
end. Its error bound is
\[
  \abs{p(x) - \mathrm{res}} \le \unit \abs{p(x)} + \gam{2n}^2 \, \tilde{p}(\abs{x}),
\]
which says that the result is as accurate as if computed in precision $\unit^2$ and then rounded.

\section{What changes in half precision}
Two assumptions behind the bound are harmless in double precision and not in half. The first is that no
intermediate quantity overflows: the largest half-precision number is 65504, so a polynomial of degree ten
evaluated at $x = 3$ with unit coefficients already overflows. The second is that the error-free
product, usually computed with a fused multiply-add, is exact; it is, but only when no underflow occurs,
and the smallest normal half-precision number is about $6.1 \times 10^{-5}$.

We ran the \method{} on all polynomials of degree at most eight with coefficients in $\{-2, -1, 1, 2\}$,
at every half-precision argument in $[-2, 2]$. Where neither overflow nor underflow occurred, the observed
error never exceeded the bound; the worst ratio of observed to bounded error was 0.41. Where underflow
occurred in an error term, the correction was lost and the result fell back to the accuracy of plain
Horner, never worse. Overflow, by contrast, is not caught by the correction at all: once an
intermediate value is infinite, the correction term becomes not-a-number and the final result with it.

The experiment took a few minutes on a laptop, since there are only 63\,488 finite half-precision
numbers in all and every polynomial in the family can be evaluated exhaustively. We report the counts in
the accompanying data, split by degree and by the sign pattern of the coefficients.

\section{A cheap guard}
Since the failures come from underflow in the correction terms alone, a guard that rescales the argument
when $\abs{x} < 2^{-4}$ recovers the compensated accuracy at the price of one extra multiplication per
coefficient. We recommend it whenever half precision is used for more than a handful of terms.

\end{document}
"""

P4_COVER = r"""\documentclass{letter}
\newcommand{\method}{our new algorithm}
\begin{document}
\begin{letter}{The Editors, Notes in Numerical Practice}
\opening{Dear Editors,}
Please consider the enclosed note, which studies \method{} in half precision.
\closing{Yours sincerely,}
\end{letter}
\end{document}
"""

P4_DEFS = r"""\newcommand{\method}{compensated Horner scheme}
\newcommand{\unit}{\mathbf{u}}
\newcommand{\fl}{\mathrm{fl}}
\newcommand{\gam}[1]{\gamma_{#1}}
\newcommand{\abs}[1]{\left|#1\right|}
"""


# --- 2401.00005: no sectioning command ---------------------------------------------------------------------

P5_TEX = r"""\documentclass{article}
\begin{document}
\begin{center}
\textbf{Remarks on a greedy colouring heuristic}\\[4pt]
Anouk de Wilde
\end{center}

The greedy heuristic colours the vertices of a graph one at a time, in some fixed order, giving each the
smallest colour not already used by a neighbour. It never uses more than $\Delta + 1$ colours, where
$\Delta$ is the largest degree, and with a good order it uses exactly the chromatic number. The trouble is
that good orders are hard to find, and a bad one can be very bad: on a crown graph with $2m$ vertices the
alternating order forces $m$ colours where two suffice.

These remarks collect three small observations made while teaching the heuristic. First, ordering the
vertices by decreasing degree, which is the usual advice, does not help on crown graphs, because every
vertex there has the same degree; ties are then broken by the input order, and the damage is done by the
input. Second, repeating the heuristic with the colour classes of one run as the order of the next never
increases the number of colours, although on the crown graph it gains nothing: every colour class of the
alternating order is one matched pair, and visiting the pairs in turn rebuilds the same colouring. Third, the repetition can be stopped as soon as a run fails to lower the count, and in our experiments on
random graphs with a few hundred vertices this happened within five runs every time.

None of this is new in substance, but we have not seen the second observation stated with its one-line
proof: a vertex in colour class $j$ of the previous run has no neighbour in its own class, so when the
classes are visited in order it receives a colour of at most $j$.

\end{document}
"""


# --- 2401.00006: a hostile tar with a recursive macro ------------------------------------------------------

P6_MAIN = r"""\documentclass{article}
\usepackage{amsmath}
\newcommand{\loop}{\loop\loop}
\newcommand{\spring}{\kappa}

\begin{document}
\title{Stability of a Damped Spring Lattice}
\author{Henrike Salmela}
\maketitle

\section{Model}
Consider masses on the integer points of a line, each joined to its two neighbours by springs of
stiffness $\spring$ and damped in proportion to its velocity. The displacement $u_j$ of the $j$-th mass
obeys
\[
  \ddot{u}_j + \gamma \dot{u}_j = \spring \left( u_{j+1} - 2u_j + u_{j-1} \right).
\]
A plane wave $u_j = e^{i(\xi j - \omega t)}$ solves this when
$\omega^2 + i\gamma\omega = 4\spring \sin^2(\xi/2)$, and both roots have negative imaginary part for every
$\gamma > 0$, so every mode decays.

\section{Discretisation}
Stepping the system with the explicit midpoint rule \loop gives an amplification factor whose modulus is
below one exactly when $h^2 \spring < 1$, independently of $\gamma$. The damping therefore does not
relax the usual stability limit of the undamped lattice, but it does not tighten it either.

\end{document}
"""

P6_ESCAPE = r"""\documentclass{article}
\begin{document}
\section{Outside}
This file tries to write outside the folder it is unpacked into.
\end{document}
"""

P6_ABSOLUTE = r"""\documentclass{article}
\begin{document}
\section{Absolute}
This file names an absolute path.
\end{document}
"""


# --- arXiv_src_2401_001.tar: a bulk dump ------------------------------------------------------------------

P7_MAIN = r"""\documentclass{article}
\usepackage{amsmath}
\newcommand{\load}{\varrho}
\newcommand{\Ex}[1]{\mathbb{E}\left[#1\right]}

\begin{document}
\title{Waiting Times in a Two-Server Queue with a Shared Buffer}
\author{Oluwaseun Adebayo \and Mirjam Kaltenbach}
\maketitle

\section{Introduction}
Two servers that share a waiting room behave differently from two separate queues: a customer who
arrives while one server is busy can be taken by the other, but a full buffer turns customers away from
both. We study the mean waiting time $\Ex{W}$ of such a system with Poisson arrivals at rate $\lambda$,
exponential service at rate $\mu$ at each server, and room for $b$ waiting customers, and compare it with
two independent queues of buffer $b/2$ each.

\section{The birth-death chain}
The number of customers in the system is a birth-death chain on $\{0, 1, \dots, b+2\}$ with birth rate
$\lambda$ below $b+2$, and death rate $\mu$ in state one and $2\mu$ above it. Writing
$\load = \lambda/(2\mu)$ for the load per server, the stationary probabilities are proportional to
$1, 2\load, 2\load^2, \dots, 2\load^{b+2}$, and Little's law gives $\Ex{W}$ from the mean queue length.

\input{results}

\end{document}
"""

P7_RESULTS = r"""\section{Results}
For every load below one the shared buffer gives a shorter mean wait than the split one, and the
advantage is largest near $\load = 0.8$, where it reaches about forty percent for $b = 10$. Above a load
of one the comparison turns on blocking rather than waiting: the shared buffer turns away fewer
customers, and those it admits wait longer, because they would have been turned away by the split
system. Reporting the two effects separately, as we do in Table~1, avoids the paradox that a better
system appears to make customers wait more.
"""

P8_TEX = r"""\documentclass{article}
\usepackage{amsmath}
\newcommand{\til}[1]{T_{#1}}

\begin{document}
\title{Counting Tilings of a Strip with Squares and Dominoes}
\author{Beatriz Valdés Orum}
\maketitle

\section{The recurrence}
Let $\til{n}$ be the number of ways to tile a $1 \times n$ strip with $1 \times 1$ squares and
$1 \times 2$ dominoes. The rightmost tile is either a square, leaving a strip of length $n-1$, or a domino,
leaving one of length $n-2$, so $\til{n} = \til{n-1} + \til{n-2}$ with $\til{0} = \til{1} = 1$. These are
the Fibonacci numbers, shifted by one.

\section{Counting by the number of dominoes}
A tiling with $k$ dominoes uses $n - 2k$ squares, so $n - k$ tiles in all, and it is fixed by choosing
which $k$ of these tiles are dominoes. Hence $\til{n} = \sum_{k} \binom{n-k}{k}$, the sum running over
$0 \le k \le n/2$. Comparing the two counts proves the identity that the shallow diagonals of Pascal's
triangle sum to Fibonacci numbers, with no algebra at all.

\section{A question}
For a $2 \times n$ strip tiled with dominoes alone the same recurrence appears. We ask for a direct
bijection between these tilings and the tilings of a $1 \times n$ strip by squares and dominoes that
respects the number of vertical dominoes.

\end{document}
"""

PDF_BYTES = (
    b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


# --- writing ----------------------------------------------------------------------------------------------


def _info(name: str, kind: bytes = tarfile.REGTYPE, size: int = 0, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)  # addfile keeps the name as given: `../` and a leading `/` included
    info.type = kind
    info.size = size
    info.linkname = link
    info.mtime = 0
    info.mode = 0o777 if kind == tarfile.SYMTYPE else 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def tar_bytes(files: dict[str, bytes | str], links: dict[str, str] | None = None) -> bytes:
    """An uncompressed ustar tar of `files` (str is UTF-8) and symlinks `links` (name -> target), sorted."""
    entries: list[tuple[str, tarfile.TarInfo, bytes | None]] = []
    for name, data in files.items():
        raw = data.encode("utf-8") if isinstance(data, str) else data
        entries.append((name, _info(name, size=len(raw)), raw))
    for name, target in (links or {}).items():
        entries.append((name, _info(name, tarfile.SYMTYPE, link=target), None))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for _, info, raw in sorted(entries, key=lambda entry: entry[0]):
            tar.addfile(info, io.BytesIO(raw) if raw is not None else None)
    return buffer.getvalue()


def gz(data: bytes, inner_name: str = "") -> bytes:
    """gzip with mtime 0; `inner_name` goes in the header's FNAME field (empty: none)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename=inner_name, mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as out:
        out.write(data)
    return buffer.getvalue()


def latin1(text: str) -> bytes:
    data = text.encode("latin-1")
    assert not any(0x80 <= byte <= 0x9F for byte in data), "a C1 byte would make it cp1252"
    return data


def main() -> None:
    (OUT / "2401.00001.tar.gz").write_bytes(
        gz(
            tar_bytes(
                {
                    "main.tex": P1_MAIN,
                    "sections/intro.tex": P1_INTRO,
                    "sections/method.tex": P1_METHOD,
                    "refs.bib": P1_BIB,
                    "fig1.png": PNG_BYTES,
                }
            )
        )
    )
    (OUT / "2401.00002.gz").write_bytes(gz(latin1(P2_TEX), inner_name="ms.tex"))
    (OUT / "2401.00003.tex").write_bytes(P3_TEX.encode("utf-8"))
    folder = OUT / "numerics-note_arXiv2401.00004"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for name, text in {"paper.tex": P4_PAPER, "cover-letter.tex": P4_COVER, "defs.tex": P4_DEFS}.items():
        (folder / name).write_bytes(text.encode("utf-8"))
    (OUT / "2401.00005.tar.gz").write_bytes(gz(tar_bytes({"note.tex": P5_TEX})))
    (OUT / "2401.00006.tar.gz").write_bytes(
        gz(
            tar_bytes(
                {"../../escape.tex": P6_ESCAPE, "/tmp/abs.tex": P6_ABSOLUTE, "main.tex": P6_MAIN},
                links={"link.tex": "/etc/passwd"},
            )
        )
    )
    (OUT / "arXiv_src_2401_001.tar").write_bytes(
        tar_bytes(
            {
                "2401/2401.00007.gz": gz(tar_bytes({"main.tex": P7_MAIN, "results.tex": P7_RESULTS})),
                "2401/2401.00008.gz": gz(P8_TEX.encode("utf-8")),
                "2401/2401.00009.pdf": PDF_BYTES,
            }
        )
    )


def check() -> None:
    """Run the reader over every sample and print each outcome with its counters."""
    sys.path.insert(0, str(OUT.parent.parent))  # the repository root
    from pipeline.sources.arxiv import clean_paper, is_bulk_dump, paper_name, read_bulk_dump, read_paper

    def show(label: str, paper) -> None:
        if not isinstance(paper, tuple):
            print(label, type(paper).__name__, getattr(paper, "reason", ""))
            return
        files, read_counts = paper
        cleaned = clean_paper(files, paper_name(label))
        outcome = cleaned.outcome
        print(label, type(outcome).__name__, getattr(outcome, "reason", ""), dict(read_counts))
        print("   ", cleaned.counters)
        if hasattr(outcome, "text"):
            print("   ", outcome.meta, len(outcome.text.split()), "words")

    for path in sorted(OUT.iterdir()):
        if path.suffix == ".py":
            continue
        if is_bulk_dump(str(path)):
            for member, paper in read_bulk_dump(str(path)):
                show(member, paper)
        else:
            show(path.name, read_paper(str(path)))


if __name__ == "__main__":
    main()
    if "--check" in sys.argv[1:]:
        check()
