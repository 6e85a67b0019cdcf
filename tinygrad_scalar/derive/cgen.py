"""C source for the native backend: one traced sample looped over a batch, and the
optimizers' updates.

The sample's statements come from ``derive.sample.write_sample(prog, "c")``: each
operation's forward from its entry's ``c`` template and each gradient share from its
entry's rule run on C-mode symbols, so no derivative is written here. Only names the
generator makes (``v3``, ``g_p7``, ``x12``) and numbers reach the source: labels and
operation names never do. The helpers below repeat the forwards of ``sigmoid``,
``softplus`` and ``logsumexp`` (``core.calculus``) operation for operation, so the C
numbers equal the Python ones.
"""

from __future__ import annotations

from typing import List

from .codegen import Stmt
from .sample import SampleProgram, write_sample

__all__ = ["c_source", "PRELUDE", "OPTIMIZERS"]

PRELUDE = r"""#include <math.h>
#define inf INFINITY
#define nan NAN
static double ts_sigmoid(double a) {
    if (a >= 0.0) return 1.0 / (1.0 + exp(-a));
    double e = exp(a);
    return e / (1.0 + e);
}
static double ts_softplus(double a) {
    return a > 0.0 ? a + log1p(exp(-a)) : log1p(exp(a));
}
static double ts_logsumexp(int n, const double *xs) {
    double m = xs[0], total = 0.0;
    for (int i = 1; i < n; i++) if (xs[i] > m) m = xs[i];
    if (m - m != 0.0) return m;
    for (int i = 0; i < n; i++) total += exp(xs[i] - m);
    return m + log(total);
}
static int ts_bad(double x) { return x - x != 0.0; }
"""

# Each update checks every new number first and writes only when all are finite (return
# 0); otherwise it returns 1 + the index of the first bad parameter and changes nothing.
# The arithmetic is that of ``nn.optim`` (same operations, same order).
OPTIMIZERS = r"""
#define TS_UPDATE(NEW, WRITE) \
    for (long i = 0; i < n; i++) { NEW; if (bad) return (int)(i + 1); } \
    for (long i = 0; i < n; i++) { NEW; WRITE; } \
    return 0;

int ts_sgd(long n, double *P, const double *G, double *B, double lr, double mu, double wd,
           int nesterov, double k, int damped, int first) {
    double g, b, p; int bad;
    TS_UPDATE(
        g = wd != 0.0 ? G[i] + wd * P[i] : G[i];
        b = mu == 0.0 ? 0.0 : first ? g : damped ? mu * B[i] + k * g : mu * B[i] + g;
        p = mu == 0.0 ? P[i] - lr * g : nesterov ? P[i] - lr * (g + mu * b) : P[i] - lr * b;
        bad = ts_bad(p) || ts_bad(b),
        P[i] = p; if (mu != 0.0) B[i] = b)
}

int ts_rmsprop(long n, double *P, const double *G, double *S, double *A, double lr, double a,
               double k, double eps, double wd, int centered) {
    double g, s, m, d, p; int bad;
    TS_UPDATE(
        g = wd != 0.0 ? G[i] + wd * P[i] : G[i];
        s = a * S[i] + k * g * g;
        m = centered ? a * A[i] + k * g : 0.0;
        d = s - m * m;
        p = centered ? P[i] - lr * g / (sqrt(0.0 > d ? 0.0 : d) + eps)
                     : P[i] - lr * g / (sqrt(s) + eps);
        bad = ts_bad(p) || ts_bad(s) || ts_bad(m),
        P[i] = p; S[i] = s; if (centered) A[i] = m)
}

int ts_adam(long n, double *P, const double *G, double *M, double *V, double lr, double b1,
            double b2, double k1, double k2, double c1, double c2, double eps, double wd,
            int decoupled) {
    double g, m, v, x, p; int bad;
    TS_UPDATE(
        g = (wd != 0.0 && !decoupled) ? G[i] + wd * P[i] : G[i];
        m = b1 * M[i] + k1 * g;
        v = b2 * V[i] + k2 * g * g;
        x = (wd != 0.0 && decoupled) ? P[i] - lr * wd * P[i] : P[i];
        p = x - lr * (m / c1) / (sqrt(v / c2) + eps);
        bad = ts_bad(p) || ts_bad(m) || ts_bad(v),
        P[i] = p; M[i] = m; V[i] = v)
}
"""


def c_lines(stmts: List[Stmt], indent: str = "        ") -> List[str]:
    """Statements as C lines (``if (g != 0.0) { ... }`` for a skipped share)."""
    out: List[str] = []
    for s in stmts:
        if s[0] == "if":
            out.append(f"{indent}if ({s[1]} != 0.0) {{")
            out += c_lines(s[2], indent + "    ")
            if s[3]:
                out.append(f"{indent}}} else {{")
                out += c_lines(s[3], indent + "    ")
            out.append(f"{indent}}}")
            continue
        op, lhs, rhs, _ = s
        out.append(f"{indent}{lhs} {op} {rhs};")
    return out


def _declare(kind: str, pairs: List[str], indent: str) -> List[str]:
    """``kind a = ..., b = ...;`` in lines of a few names each."""
    return [f"{indent}{kind} {', '.join(pairs[i:i + 8])};" for i in range(0, len(pairs), 8)]


def c_source(prog: SampleProgram) -> str:
    """C source of ``ts_batch`` for ``prog`` (``SymbolError`` for an operation without a C
    form), followed by the optimizers.

    ``ts_batch(n, idx, X, T, P, G, O, seed, l2, out)`` runs the rows ``idx[0..n)`` of the
    row-major ``X`` (inputs) and ``T`` (target numbers); each gradient ``G[i]`` starts from
    L2's ``2 l2 P[i]`` and adds ``seed`` times each row's; ``O`` gets each row's outputs;
    ``out`` the sum of the terms, ``sum(P[i]**2)`` and the sum of the gradients.
    """
    wr = write_sample(prog, "c")
    nx, nt, no = prog.n_x, prog.n_t, len(wr.outputs)
    body = [PRELUDE,
            "int ts_batch(long n, const long *idx, const double *X, const double *T, "
            "const double *restrict P, double *restrict G, double *O, double seed, double l2, "
            "double *out) {",
            "    double total = 0.0, sq = 0.0, gsum = 0.0;",
            f"    for (long i = 0; i < {len(wr.grads)}L; i++) G[i] = (0.0 + P[i] * l2) + P[i] * l2;",
            "    for (long k = 0; k < n; k++) {",
            f"        const double *x = X + idx[k] * {nx}L;",
            f"        const double *t = T + idx[k] * {nt}L;",
            "        (void)x; (void)t;"]
    body += _declare("const double", [f"x{i} = x[{i}]" for i in range(nx)], "        ")
    body += _declare("const double", [f"x{nx + i} = t[{i}]" for i in range(nt)], "        ")
    body += _declare("double", wr.temps, "        ")
    body += c_lines(wr.forward) + c_lines(wr.backward)
    body += [f"        total += {wr.root};"]
    body += [f"        O[k * {no}L + {j}] = {name};" for j, name in enumerate(wr.outputs)]
    body += ["    }",
             f"    for (long i = 0; i < {len(wr.grads)}L; i++) {{ gsum += G[i]; sq += P[i] * P[i]; }}",
             "    out[0] = total; out[1] = sq; out[2] = gsum;", "    return 0;", "}", OPTIMIZERS]
    return "\n".join(body)
